import { RedisDriver } from '@nest-jobs/redis';
import { BeeQueuePeer } from './bee-queue.peer.js';
import { BullMqPeer } from './bullmq.peer.js';
import { NestJobsPeer } from './nest-jobs.peer.js';
import type { Peer, ServerTarget } from './peer.js';

export { NEST_JOBS } from './names.js';

/** Every library under test, nest-jobs first. */
export function allPeers(): Peer[] {
  return [
    new NestJobsPeer((redis: ServerTarget) => new RedisDriver({ url: redis.url, prefix: 'bench' })),
    new BullMqPeer(),
    new BeeQueuePeer(),
  ];
}

export type { Peer } from './peer.js';
