import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// Lua's unpack() takes at most ~8,000 values: a script that passed a whole batch to one command
// failed on a big one, and a fetch had already popped the jobs from waiting by then.
let server: RedisServerHandle | undefined;
let driver: RedisDriver | undefined;
beforeAll(async () => {
  server = await startRedisServer();
  driver = new RedisDriver({ url: server.url, prefix: 'big' });
  await driver.open();
});
afterAll(async () => {
  await driver?.close();
  await server?.stop();
});

const now = Date.now();
const jobs = (count: number, queue: string): NewJob[] => Array.from({ length: count }, (_, index) => ({
  id: `j${index}`, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 3, runAt: now, enqueuedAt: now,
}));

describe('RedisDriver with batches past Lua\'s unpack limit', () => {
  it('leases 8,100 jobs in one fetch and completes them in one call, losing none', async () => {
    await driver!.enqueue(jobs(8_100, 'q'));
    const leased = await driver!.fetch('q', { max: 8_100, leaseMs: 60_000 });
    const counts = await driver!.counts('q');
    expect(leased.length + counts.waiting).toBe(8_100);
    expect(counts.active).toBe(leased.length);
    expect(new Set(leased.map((job) => job.token)).size).toBe(leased.length);
    const outcomes = await driver!.complete('q', leased.map((job) => ({ id: job.id, token: job.token, result: 'null', retention: { count: 10 } })));
    expect(outcomes.every((outcome) => outcome === 'ok')).toBe(true);
    expect(await driver!.counts('q')).toMatchObject({ active: 0, dead: 0, waiting: 8_100 - leased.length });
  });

  it('fails and retries 8,100 dead jobs back to waiting', async () => {
    await driver!.enqueue(jobs(8_100, 'dead'));
    const leased = await driver!.fetch('dead', { max: 8_100, leaseMs: 60_000 });
    await driver!.fail('dead', leased.map((job) => ({ id: job.id, token: job.token, error: { message: 'x' } })));
    expect((await driver!.counts('dead')).dead).toBe(leased.length);
    expect(await driver!.retryAllDead('dead')).toBe(leased.length);
    expect(await driver!.counts('dead')).toMatchObject({ dead: 0, active: 0, waiting: 8_100 });
  });
});
