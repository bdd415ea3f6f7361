import type { QueueDriver } from '@nest-jobs/core';
import { BeeQueuePeer } from './bee-queue.peer.js';
import { BullMqPeer } from './bullmq.peer.js';
import { NestJobsPeer } from './nest-jobs.peer.js';
import type { Peer, RedisTarget } from './peer.js';

export { NEST_JOBS } from './names.js';

type RedisDriverClass = new (options: { url: string; prefix?: string }) => QueueDriver;

// TEMPORARY: @nest-jobs/redis does not export RedisDriver yet; switch to a static import when it does.
const redisModule: Record<string, unknown> = await import('@nest-jobs/redis');

/** Every library under test; nest-jobs first (left out, with a warning, while RedisDriver is missing). */
export function allPeers(): Peer[] {
  const RedisDriver = redisModule.RedisDriver as RedisDriverClass | undefined;
  const peers: Peer[] = [new BullMqPeer(), new BeeQueuePeer()];
  if (!RedisDriver) console.warn('@nest-jobs/redis exports no RedisDriver yet: benchmarking the peers only');
  else peers.unshift(new NestJobsPeer((redis: RedisTarget) => new RedisDriver({ url: redis.url, prefix: 'bench' })));
  return peers;
}

export type { Peer } from './peer.js';
