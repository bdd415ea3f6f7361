import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// Redis may forget acknowledged writes (a restart from an RDB snapshot or AOF everysec, a lagging
// replica promoted, FLUSHALL): a fencing token issued before must still never be issued again.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ server: RedisServerHandle; driver: RedisDriver; raw: Redis }> {
  const server = await startRedisServer();
  cleanups.push(() => server.stop());
  const driver = new RedisDriver({ url: server.url, prefix: 'fence', logger: { warn: () => undefined } });
  cleanups.push(() => driver.close());
  await driver.open();
  const raw = new Redis(server.url, { lazyConnect: true });
  raw.on('error', () => undefined);
  cleanups.push(async () => raw.disconnect());
  return { server, driver, raw };
}

const job = (id: string): NewJob => ({ id, queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 5, runAt: Date.now(), enqueuedAt: Date.now() });
const lease = { max: 1, leaseMs: 60_000 };

/** Retries until the driver's connection is back after a restart. */
async function fetchWhenBack(driver: RedisDriver): Promise<Awaited<ReturnType<RedisDriver['fetch']>>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await driver.fetch('q', lease);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('RedisDriver fencing tokens when Redis loses writes', () => {
  it('never reissues a token after a restart from an older snapshot: the stale holder is refused', async () => {
    const { server, driver, raw } = await setup();
    await driver.enqueue([job('x')]);
    await raw.connect();
    await raw.save();
    raw.disconnect();
    const [a] = await driver.fetch('q', lease);
    await server.kill('SIGKILL');
    await server.restart(); // loads the snapshot: x waiting again, the lease of A forgotten
    const [b] = await fetchWhenBack(driver);
    expect(b?.id).toBe('x');
    expect(b!.token).not.toBe(a!.token);
    expect(await driver.extend('q', [{ id: 'x', token: a!.token }], 60_000)).toEqual(['lost']);
    expect(await driver.complete('q', [{ id: 'x', token: a!.token, result: '"a"' }])).toEqual(['lost']);
    expect(await driver.complete('q', [{ id: 'x', token: b!.token, result: '"b"' }])).toEqual(['ok']);
    expect((await driver.getJob('q', 'x'))?.result).toBe('"b"');
  });

  it('never reissues a token after FLUSHALL and a new job with the same id', async () => {
    const { driver, raw } = await setup();
    await driver.enqueue([job('x')]);
    const [a] = await driver.fetch('q', lease);
    await raw.connect();
    await raw.flushall();
    await driver.enqueue([job('x')]);
    const [b] = await driver.fetch('q', lease);
    expect(b!.token).not.toBe(a!.token);
    expect(await driver.fail('q', [{ id: 'x', token: a!.token, error: { message: 'stale' } }])).toEqual(['lost']);
    expect(await driver.complete('q', [{ id: 'x', token: a!.token, result: '"a"' }])).toEqual(['lost']);
    expect(await driver.complete('q', [{ id: 'x', token: b!.token, result: '"b"' }])).toEqual(['ok']);
  });
});
