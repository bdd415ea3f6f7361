import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { KeySchema } from './keys.js';
import { QUEUE_REFRESH_MS, QueueRegistry } from './queue-registry.js';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// Admin and dashboard list queues from `{prefix}:queues`; a Redis that lost its
// data (FLUSHALL, restart without persistence) must get it back without a restart of the app.
let server: RedisServerHandle | undefined;
let raw: Redis | undefined;
beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
});
afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

async function listedWithin(list: () => Promise<string[]>, expected: string[], ms: number): Promise<number> {
  const started = Date.now();
  while ((await list()).join() !== expected.join()) {
    if (Date.now() - started > ms) throw new Error(`queues still ${JSON.stringify(await list())} after ${ms} ms, expected ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

describe('RedisDriver queue registry', () => {
  it(`lists its queues again within ${QUEUE_REFRESH_MS} ms after Redis lost its data`, async () => {
    const driver = new RedisDriver({ url: server!.url, prefix: 'heal' });
    try {
      await driver.registerQueues(['emails', 'reports']);
      expect(await driver.queues()).toEqual(['emails', 'reports']);
      await raw!.flushall();
      expect(await driver.queues()).toEqual([]);
      await listedWithin(() => driver.queues(), ['emails', 'reports'], QUEUE_REFRESH_MS + 2_000);
    } finally {
      await driver.close();
    }
  }, QUEUE_REFRESH_MS + 10_000);

  it('writes the set again on a timer that close() stops', async () => {
    const keys = new KeySchema('timer');
    const registry = new QueueRegistry(raw!, keys, 'test', new Set(), () => undefined, 100);
    await registry.remember(['a']);
    await raw!.flushall();
    await listedWithin(() => raw!.smembers(keys.queues()), ['a'], 2_000);
    registry.close();
    await raw!.flushall();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await raw!.smembers(keys.queues())).toEqual([]);
  });
});
