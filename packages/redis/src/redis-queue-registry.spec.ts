import { describe, expect, it } from '@jest/globals';
import { KeySchema } from './keys.js';
import { QUEUE_REFRESH_MS, QueueRegistry } from './queue-registry.js';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// Admin and dashboard list queues from `{prefix}:queues`; a Redis that lost its
// data (FLUSHALL, restart without persistence) must get it back without a restart of the app.
const redis = useSpecRedis();

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
    const driver = new RedisDriver({ url: redis.url(), prefix: 'heal' });
    try {
      await driver.registerQueues(['emails', 'reports']);
      expect(await driver.queues()).toEqual(['emails', 'reports']);
      await redis.raw().flushall();
      expect(await driver.queues()).toEqual([]);
      await listedWithin(() => driver.queues(), ['emails', 'reports'], QUEUE_REFRESH_MS + 2_000);
    } finally {
      await driver.close();
    }
  }, QUEUE_REFRESH_MS + 10_000);

  it('writes the set again on a timer that close() stops', async () => {
    const keys = new KeySchema('timer');
    const registry = new QueueRegistry(redis.raw(), keys, 'test', new Set(), () => undefined, 100);
    await registry.remember(['a']);
    await redis.raw().flushall();
    await listedWithin(() => redis.raw().smembers(keys.queues()), ['a'], 2_000);
    registry.close();
    await redis.raw().flushall();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await redis.raw().smembers(keys.queues())).toEqual([]);
  });
});
