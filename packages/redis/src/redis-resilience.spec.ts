import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { RedisUnavailableError } from './redis-unavailable.error.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(prefix = 'res'): Promise<{ server: RedisServerHandle; driver: RedisDriver }> {
  const server = await startRedisServer();
  cleanups.push(() => server.stop());
  const driver = new RedisDriver({ url: server.url, prefix });
  cleanups.push(() => driver.close());
  await driver.open();
  return { server, driver };
}

const job = (id: string, queue = 'q'): NewJob => ({ id, queue, name: 'n', payload: '{"x":1}', priority: 0, maxAttempts: 3, runAt: Date.now(), enqueuedAt: Date.now() });

describe('RedisDriver keys and isolation', () => {
  it('keeps every key of a queue under one hash tag with the prefix', async () => {
    const { server, driver } = await setup('iso');
    await driver.enqueue([job('a', 'emails'), job('b', 'emails')]);
    const [leased] = await driver.fetch('emails', { max: 1, leaseMs: 10_000 });
    await driver.complete('emails', [{ id: leased!.id, token: leased!.token, result: '1' }]);
    const raw = new Redis(server.url);
    try {
      const keys = await raw.keys('*');
      expect(keys.length).toBeGreaterThan(3);
      for (const key of keys) expect(key === '{iso}:queues' || key.startsWith('{iso:emails}:')).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it('lets two prefixes on one server never see each other\'s jobs', async () => {
    const { server, driver: a } = await setup('appa');
    const b = new RedisDriver({ url: server.url, prefix: 'appb' });
    cleanups.push(() => b.close());
    await a.enqueue([job('shared-id')]);
    expect(await b.getJob('q', 'shared-id')).toBeNull();
    expect(await b.fetch('q', { max: 10, leaseMs: 1_000 })).toEqual([]);
    expect((await b.enqueue([job('shared-id')]))[0]?.created).toBe(true);
    expect(await b.queues()).toEqual(['q']);
  });

  it('refuses queue names that would break the hash tag, naming them', async () => {
    const { driver } = await setup();
    await expect(driver.enqueue([job('x', 'bad}name')])).rejects.toThrow('queue name "bad}name" is invalid');
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => new RedisDriver({ url: 'http://localhost' })).toThrow('url must start with redis:// or rediss://');
    expect(() => new RedisDriver({ url: '' })).toThrow('url must start with redis://');
  });
});

describe('RedisDriver when Redis goes away', () => {
  it('fails an enqueue fast with a clear error while the server is down', async () => {
    const { server, driver } = await setup();
    await server.kill('SIGKILL');
    const started = Date.now();
    const error = await driver.enqueue([job('during-outage')]).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(String(error)).toContain(`Redis unreachable at redis://127.0.0.1:${server.port}`);
    await server.restart();
  });

  it('fails admin calls fast with RedisUnavailableError naming the server and the call, like enqueue', async () => {
    const { server, driver } = await setup();
    await driver.enqueue([job('before')]);
    await server.kill('SIGKILL');
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['list of queues', () => driver.queues()],
      ['counts of "q"', () => driver.counts('q')],
      ['list of waiting jobs in "q"', () => driver.list('q', 'waiting', { offset: 0, limit: 10 })],
      ['get of job before in "q"', () => driver.getJob('q', 'before')],
      ['retry of the dead jobs of "q"', () => driver.retryAllDead('q')],
      ['pause of "q"', () => driver.pause('q')],
      ['schedule states', () => driver.scheduleStates([{ name: 's', queue: 'q' }])],
    ];
    for (const [operation, call] of calls) {
      const started = Date.now();
      const error = await call().then(() => undefined, (caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect([operation, error instanceof RedisUnavailableError]).toEqual([operation, true]);
      expect(String(error)).toContain(`Redis unreachable at redis://127.0.0.1:${server.port}: ${operation} failed (`);
    }
    await server.restart();
  });

  it('serves fetch and waits again after the server restarts, without a new driver', async () => {
    const { server, driver } = await setup();
    await driver.enqueue([job('before')]);
    await server.kill('SIGKILL');
    await expect(driver.fetch('q', { max: 1, leaseMs: 1_000 })).rejects.toThrow();
    await server.restart();
    const deadline = Date.now() + 10_000;
    let enqueued = false;
    while (!enqueued && Date.now() < deadline) {
      enqueued = await driver.enqueue([job('after')]).then(() => true, () => false);
      if (!enqueued) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(enqueued).toBe(true);
    await driver.waitForWork(['q'], 2_000);
    const fetched = await driver.fetch('q', { max: 10, leaseMs: 1_000 });
    expect(fetched.map((leased) => leased.id)).toEqual(['after']);
  });
});
