import { beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// The payload lives in its own string key so the job hash stays listpack-encoded
// (about a third of the memory of a hashtable-encoded one).
const redis = useSpecRedis();
let driver: RedisDriver | undefined;
beforeAll(async () => {
  driver = await redis.openDriver('rec');
});

const payload = JSON.stringify({ text: 'x'.repeat(1_000) });
const job = (id: string): NewJob => ({ id, queue: 'q', name: 'Records.job', payload, priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now() });

describe('RedisDriver job records', () => {
  it('keeps a big payload out of the job hash, which stays listpack-encoded', async () => {
    await driver!.enqueue([job('big')]);
    expect(await redis.raw().object('ENCODING', driver!.keys.job('q', 'big'))).toBe('listpack');
    expect(await redis.raw().hexists(driver!.keys.job('q', 'big'), 'p')).toBe(0);
    expect(await redis.raw().get(driver!.keys.payload('q', 'big'))).toBe(payload);
    expect((await driver!.getJob('q', 'big'))?.payload).toBe(payload);
    const [leased] = await driver!.fetch('q', { max: 1, leaseMs: 10_000 });
    expect(leased?.payload).toBe(payload);
    await driver!.complete('q', [{ id: 'big', token: leased!.token, result: 'null' }]);
    expect((await driver!.list('q', 'completed', { offset: 0, limit: 10 }))[0]?.payload).toBe(payload);
  });

  it('deletes the payload with the job: on removal, removeOnComplete and retention', async () => {
    await driver!.enqueue([job('gone'), job('dropped'), job('trimmed-1'), job('trimmed-2')]);
    expect(await driver!.remove('q', 'gone')).toBe(true);
    const leased = await driver!.fetch('q', { max: 3, leaseMs: 10_000 });
    await driver!.complete('q', leased.map((lease) => ({
      id: lease.id, token: lease.token, result: 'null', retention: lease.id === 'dropped' ? true as const : { count: 1 },
    })));
    const left = await redis.raw().keys('{rec:q}:pl:*');
    expect(left.sort()).toEqual([driver!.keys.payload('q', 'trimmed-2')]);
  });

  it('still reads a record written with the payload inside the hash', async () => {
    const key = driver!.keys.job('q', 'legacy');
    await redis.raw().hset(key, 'n', 'Records.job', 'p', '{"old":true}', 'pr', '0', 'ma', '1', 'ra', '0', 'ea', '0', 'a', '0', 's', 'waiting', 'm', '0000000000000099:legacy');
    await redis.raw().zadd(driver!.keys.stateKey('q', 'waiting'), 0, '0000000000000099:legacy');
    expect((await driver!.getJob('q', 'legacy'))?.payload).toBe('{"old":true}');
    const [leased] = await driver!.fetch('q', { max: 1, leaseMs: 10_000 });
    expect(leased?.payload).toBe('{"old":true}');
    await driver!.complete('q', [{ id: 'legacy', token: leased!.token, result: 'null', retention: true }]);
  });

  it('sends a job whose payload key is missing to dead with that reason, and goes on', async () => {
    await driver!.enqueue([job('orphan'), job('fine')]);
    await redis.raw().del(driver!.keys.payload('q', 'orphan'));
    const leased = await driver!.fetch('q', { max: 2, leaseMs: 10_000 });
    expect(leased.map((lease) => lease.id)).toEqual(['fine']);
    const dead = await driver!.getJob('q', 'orphan');
    expect(dead?.state).toBe('dead');
    expect(dead?.errors[0]?.message).toBe('corrupt job record: the payload is missing');
  });
});

describe('RedisDriver enqueue split over several script calls', () => {
  it('names the jobs that went in when a later call of the same enqueue fails', async () => {
    // A damaged index makes the second queue's script call fail while the first one's succeeds.
    await redis.raw().set(driver!.keys.stateKey('broken', 'waiting'), 'not a sorted set');
    const now = Date.now();
    const jobs = [
      ...['ok-1', 'ok-2'].map((id) => ({ ...job(id), queue: 'fine' })),
      { ...job('refused'), queue: 'broken', runAt: now, enqueuedAt: now },
    ];
    const error = await driver!.enqueue(jobs).then(() => undefined, (reason: unknown) => reason as Error);
    expect(error?.message).toContain('WRONGTYPE');
    expect(error?.message).toContain('Of the same call 2 job(s) were enqueued all the same: ok-1, ok-2.');
    expect((await driver!.getJob('fine', 'ok-1'))?.state).toBe('waiting');
  });
});
