import { describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { redisAclRules } from './acl.js';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// Idle workers learn about work from one wake-up subscription (issue 11, item 8):
// what the scripts publish, and what happens when the subscription is cut.
const redis = useSpecRedis();
const driverFor = (prefix: string): Promise<RedisDriver> => redis.openDriver(prefix);

const job = (id: string, queue: string, runAt = Date.now()): NewJob => ({ id, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt, enqueuedAt: Date.now() });

async function publishes(): Promise<number> {
  const stats = (await redis.raw().info('commandstats')) as string;
  return Number(/^cmdstat_publish:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

describe('RedisDriver wake-ups', () => {
  it('publishes once for a burst of enqueues, again after a fetch, and is not silenced by an old list marker', async () => {
    const driver = await driverFor('burst');
    await redis.raw().lpush('{burst:q}:marker', '1'); // what an older version left behind: a list without expiry
    const before = await publishes();
    for (let index = 0; index < 50; index++) await driver.enqueue([job(`a${index}`, 'q')]);
    expect(await publishes()).toBe(before + 1);
    await driver.fetch('q', { max: 100, leaseMs: 10_000 });
    await driver.enqueue([job('b', 'q')]);
    expect(await publishes()).toBe(before + 2);
  });

  it('is not silenced by a wake-up published before its subscription was up (a queue resumed as the worker starts)', async () => {
    // The bench's flow: a worker boots on a paused queue, then the queue is resumed at once. resume
    // publishes a wake-up and sets the marker before this process subscribed; the marker then kept
    // every enqueue quiet for its 2 s (latency p99 1.7 s at 1,000 jobs/s).
    const worker = await driverFor('resumed');
    const producer = await driverFor('resumed');
    await producer.pause('q');
    expect(await worker.fetch('q', { max: 10, leaseMs: 10_000 })).toEqual([]);
    await producer.resume('q');
    let enqueuedAt = 0;
    setTimeout(() => {
      enqueuedAt = Date.now();
      void producer.enqueue([job('late', 'q')]);
    }, 300);
    const deadline = Date.now() + 4_000;
    let fetchedAt = 0;
    while (!fetchedAt && Date.now() < deadline) {
      await worker.waitForWork(['q'], deadline - Date.now());
      if ((await worker.fetch('q', { max: 10, leaseMs: 10_000 })).length > 0) fetchedAt = Date.now();
    }
    expect(fetchedAt).toBeGreaterThan(0);
    expect(fetchedAt - enqueuedAt).toBeLessThan(1_000);
  });

  it('wakes an idle wait on many queues with the queue that got a job, from another process', async () => {
    const queues = Array.from({ length: 200 }, (_, index) => `w${index}`);
    const worker = await driverFor('many');
    const producer = await driverFor('many');
    expect(await worker.waitForWork(queues, 300)).toEqual([]);
    const started = Date.now();
    const waited = worker.waitForWork(queues, 5_000);
    await producer.enqueue([job('x', 'w77')]);
    expect(await waited).toEqual(['w77']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('learns when a delayed job falls due, and when a later-enqueued one falls due sooner', async () => {
    const worker = await driverFor('due');
    const producer = await driverFor('due');
    expect(await worker.waitForWork(['d'], 300)).toEqual([]);
    await producer.enqueue([job('late', 'd', Date.now() + 60_000)]);
    // The wake-up makes the worker look (nothing yet) and re-read when the next job is due.
    expect(await worker.waitForWork(['d'], 1_000)).toEqual(['d']);
    expect(await worker.fetch('d', { max: 10, leaseMs: 10_000 })).toEqual([]);
    const runAt = Date.now() + 700;
    await producer.enqueue([job('soon', 'd', runAt)]);
    expect(await worker.waitForWork(['d'], 1_000)).toEqual(['d']);
    expect(await worker.fetch('d', { max: 10, leaseMs: 10_000 })).toEqual([]);
    expect(await worker.waitForWork(['d'], 3_000)).toEqual(['d']);
    expect(Date.now()).toBeGreaterThanOrEqual(runAt - 20);
    expect((await worker.fetch('d', { max: 10, leaseMs: 10_000 })).map((leased) => leased.id)).toEqual(['soon']);
  });

  it('re-checks every queue after its subscription was cut, so a wake-up lost meanwhile costs no delay', async () => {
    const queues = Array.from({ length: 200 }, (_, index) => `r${index}`);
    const worker = await driverFor('resync');
    const producer = await driverFor('resync');
    expect(await worker.waitForWork(queues, 300)).toEqual([]);
    await redis.raw().call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await producer.enqueue([job('lost', 'r150')]); // published to nobody
    const started = Date.now();
    // The slow safety round reads one queue per 250 ms: it would reach r150 only after ~40 s.
    expect(await worker.waitForWork(queues, 5_000)).toEqual(['r150']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('says which ACL channel to grant when it may not subscribe, and still finds work by the slow re-check', async () => {
    const rules = redisAclRules('oldacl').filter((rule) => !rule.startsWith('&')); // an ACL written before wake-ups
    await redis.raw().call('ACL', 'SETUSER', 'oldacl', 'on', '>secret', ...rules);
    const warnings: string[] = [];
    const worker = new RedisDriver({ url: `redis://oldacl:secret@127.0.0.1:${new URL(redis.url()).port}`, prefix: 'oldacl', logger: { warn: (message) => warnings.push(message) } });
    try {
      const producer = await driverFor('oldacl');
      expect(await worker.waitForWork(['q'], 300)).toEqual([]);
      expect(warnings.join('\n')).toContain('grant the channel: &{oldacl:*}:wake');
      await producer.enqueue([job('polled', 'q')]);
      expect(await worker.waitForWork(['q'], 8_000)).toEqual(['q']);
    } finally {
      await worker.close();
    }
  }, 15_000);
});
