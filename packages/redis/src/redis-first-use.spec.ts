import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// JobsModule opens the driver only once the app has bootstrapped: providers
// may use it before that, several calls at once, or subscribe to events.
let server: RedisServerHandle | undefined;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('RedisDriver used before open()', () => {
  it('concurrent first calls all wait for the one connection', async () => {
    const driver = new RedisDriver({ url: server!.url, prefix: 'first-use' });
    try {
      const counts = await Promise.all([driver.counts('q'), driver.counts('q'), driver.queues()]);
      expect(counts[0]).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 });
    } finally {
      await driver.close();
    }
  });

  it('open() after a subscription (which sends a first command itself) connects and works', async () => {
    const driver = new RedisDriver({ url: server!.url, prefix: 'subscribed-first' });
    const unsubscribe = driver.subscribe(() => undefined);
    try {
      await driver.open();
      await driver.registerQueues(['q']);
      expect(await driver.queues()).toContain('q');
    } finally {
      unsubscribe();
      await driver.close();
    }
  });
});
