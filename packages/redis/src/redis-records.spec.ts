import { beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// Layout 2 keeps a job as one entry of its queue's jobs hash plus one index entry: no key per job.
const redis = useSpecRedis();
let driver: RedisDriver | undefined;
beforeAll(async () => {
  driver = await redis.openDriver('rec');
});

const payload = JSON.stringify({ text: 'x'.repeat(1_000) });
const job = (id: string, extra: Partial<NewJob> = {}): NewJob => ({
  id, queue: 'q', name: 'Records.job', payload, priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now(), ...extra,
});
const hlen = (queue: string, role: 'v2:jobs' | 'v2:results' | 'v2:errors' | 'v2:progress'): Promise<number> => redis.raw().hlen(driver!.keys.key(queue, role));

describe('RedisDriver job records (layout 2)', () => {
  it('stores a waiting job as a hash entry and a list entry, and reads it back whole', async () => {
    await driver!.enqueue([job('big', { priority: 3, maxAttempts: 4 }), job('small', { payload: '{"a":"x|y,z"}' })]);
    const keys = await redis.raw().keys('{rec:q}:*');
    expect(keys.filter((key) => key.includes(':job:') || key.includes(':pl:'))).toEqual([]);
    expect(await hlen('q', 'v2:jobs')).toBe(2);
    expect(await redis.raw().lrange(`${driver!.keys.waitingPrefix('q')}3`, 0, -1)).toEqual(['big']);
    expect(await driver!.getJob('q', 'big')).toMatchObject({ state: 'waiting', payload, priority: 3, maxAttempts: 4, attempt: 0, errors: [] });
    const leased = await driver!.fetch('q', { max: 2, leaseMs: 10_000 });
    expect(leased.map((lease) => [lease.id, lease.payload, lease.attempt])).toEqual([['big', payload, 1], ['small', '{"a":"x|y,z"}', 1]]);
    await driver!.complete('q', leased.map((lease) => ({ id: lease.id, token: lease.token, result: lease.id === 'big' ? '{"ok":1}' : 'null' })));
    expect(await driver!.getJob('q', 'big')).toMatchObject({ state: 'completed', result: '{"ok":1}', payload, priority: 3 });
    expect((await driver!.getJob('q', 'small'))?.result).toBe('null');
    // A null result is not stored: the record says completed.
    expect(await redis.raw().hkeys(driver!.keys.key('q', 'v2:results'))).toEqual(['big']);
  });

  it('deletes every entry of a job: on removal, removeOnComplete and retention', async () => {
    const queue = 'gone';
    const at = (id: string): NewJob => ({ ...job(id), queue });
    await driver!.enqueue([at('removed'), at('dropped'), at('trimmed-1'), at('trimmed-2')]);
    expect(await driver!.remove(queue, 'removed')).toBe(true);
    const leased = await driver!.fetch(queue, { max: 3, leaseMs: 10_000 });
    await driver!.progress(queue, { id: leased[2]!.id, token: leased[2]!.token }, '50');
    await driver!.complete(queue, leased.map((lease) => ({
      id: lease.id, token: lease.token, result: '"r"', retention: lease.id === 'dropped' ? true as const : { count: 1 },
    })));
    expect(await redis.raw().hkeys(driver!.keys.key(queue, 'v2:jobs'))).toEqual(['trimmed-2']);
    expect(await redis.raw().hkeys(driver!.keys.key(queue, 'v2:results'))).toEqual(['trimmed-2']);
    expect(await hlen(queue, 'v2:progress')).toBe(1);
  });

  it('sends a job whose record is unreadable to dead, keeping the text as its payload, and goes on', async () => {
    const queue = 'damaged';
    await driver!.enqueue([{ ...job('garbage'), queue }, { ...job('fine'), queue }]);
    await redis.raw().hset(driver!.keys.key(queue, 'v2:jobs'), 'garbage', 'not a record');
    const leased = await driver!.fetch(queue, { max: 2, leaseMs: 10_000 });
    expect(leased.map((lease) => lease.id)).toEqual(['fine']);
    const dead = await driver!.getJob(queue, 'garbage');
    expect(dead).toMatchObject({ state: 'dead', payload: 'not a record' });
    expect(dead?.errors[0]?.message).toBe('corrupt job record: the job record is unreadable');
  });

  it('refuses a job name it could not store, before anything is sent', async () => {
    await expect(driver!.enqueue([job('piped', { name: 'a|b' })])).rejects.toThrow('job name "a|b" cannot be stored');
    expect(await driver!.getJob('q', 'piped')).toBeNull();
  });
});

describe('RedisDriver moves jobs of layout 1 into layout 2', () => {
  // Layout 1 (before 0.2), written as that version did: a hash and a payload string per job,
  // five sorted sets of "<seq16>:<id>".
  async function writeLayout1(prefix: string, queue: string): Promise<void> {
    const raw = redis.raw();
    const base = `{${prefix}:${queue}}`;
    const hash = (id: string, fields: Record<string, string>): Promise<number> => raw.hset(`${base}:job:${id}`, fields);
    const member = (seq: number, id: string): string => `${String(seq).padStart(16, '0')}:${id}`;
    const common = { n: 'Old.job', pr: '0', ma: '3', ra: '1700000000000', ea: '1700000000000', a: '0' };
    await hash('w1', { ...common, s: 'waiting', m: member(1, 'w1') });
    await hash('w2', { ...common, s: 'waiting', m: member(2, 'w2'), p: '{"inline":true}' });
    await hash('hi', { ...common, pr: '7', s: 'waiting', m: member(3, 'hi') });
    await raw.set(`${base}:pl:w1`, '{"n":1}');
    await raw.set(`${base}:pl:hi`, '{"n":"hi"}');
    await raw.zadd(`${base}:waiting`, 0, member(1, 'w1'), 0, member(2, 'w2'), -7, member(3, 'hi'));
    await hash('later', { ...common, ra: '4102444800000', s: 'delayed', m: member(4, 'later'), sf: '1700000000000' });
    await raw.set(`${base}:pl:later`, '{}');
    await raw.zadd(`${base}:delayed`, 4102444800000, member(4, 'later'));
    await hash('done', { ...common, a: '1', s: 'completed', m: member(5, 'done'), r: '{"ok":true}', sa: '1700000000100', fa: '1700000000200' });
    await raw.set(`${base}:pl:done`, '{}');
    await raw.zadd(`${base}:completed`, 1700000000200, member(5, 'done'));
    const errors = JSON.stringify([{ name: 'Error', message: 'boom', attempt: 3, at: 1700000000300 }]);
    await hash('failed', { ...common, a: '3', s: 'dead', m: member(6, 'failed'), e: errors, pg: '{"pct":90}', fa: '1700000000300' });
    await raw.set(`${base}:pl:failed`, '{}');
    await raw.zadd(`${base}:dead`, 1700000000300, member(6, 'failed'));
    await raw.zadd(`${base}:waiting`, 0, member(7, 'no-hash'));
  }

  it('keeps each job\'s state, fields, order and history, and leaves no layout-1 key', async () => {
    await writeLayout1('old', 'q');
    const upgraded = await redis.openDriver('old');
    expect(await upgraded.counts('q')).toEqual({ blocked: 0, waiting: 3, delayed: 1, active: 0, completed: 1, dead: 1, expired: 0, cancelled: 0 });
    expect(await upgraded.getJob('q', 'later')).toMatchObject({ state: 'delayed', runAt: 4102444800000, scheduledFor: 1700000000000, maxAttempts: 3 });
    expect(await upgraded.getJob('q', 'done')).toMatchObject({ state: 'completed', result: '{"ok":true}', attempt: 1, startedAt: 1700000000100, finishedAt: 1700000000200 });
    expect(await upgraded.getJob('q', 'failed')).toMatchObject({ state: 'dead', attempt: 3, progress: '{"pct":90}', errors: [{ message: 'boom', attempt: 3 }] });
    const leased = await upgraded.fetch('q', { max: 10, leaseMs: 10_000 });
    expect(leased.map((lease) => [lease.id, lease.payload, lease.priority])).toEqual([['hi', '{"n":"hi"}', 7], ['w1', '{"n":1}', 0], ['w2', '{"inline":true}', 0]]);
    expect(await upgraded.retry('q', 'failed')).toBe(true);
    const left = (await redis.raw().keys('{old:q}:*')).filter((key) => /^\{old:q\}:(job:|pl:|(waiting|delayed|active|completed|dead)$)/.test(key));
    expect(left).toEqual([]);
  });

  it('moves a queue of many jobs in chunks, in order', async () => {
    const raw = redis.raw();
    const base = '{bulk:q}';
    const ids = Array.from({ length: 1_200 }, (_, index) => `j${index}`);
    const pipeline = raw.pipeline();
    ids.forEach((id, index) => {
      const member = `${String(index + 1).padStart(16, '0')}:${id}`;
      pipeline.hset(`${base}:job:${id}`, { n: 'Old.job', pr: '0', ma: '1', ra: '1', ea: '1', a: '0', s: 'waiting', m: member });
      pipeline.set(`${base}:pl:${id}`, String(index));
      pipeline.zadd(`${base}:waiting`, 0, member);
    });
    await pipeline.exec();
    const upgraded = await redis.openDriver('bulk');
    const leased = await upgraded.fetch('q', { max: 1_000, leaseMs: 10_000 });
    expect(leased.map((lease) => lease.id)).toEqual(ids.slice(0, 1_000));
    expect((await upgraded.counts('q')).waiting).toBe(200);
  });
});

describe('RedisDriver enqueue split over several script calls', () => {
  it('names the jobs that went in when a later call of the same enqueue fails', async () => {
    // A damaged jobs hash makes the second queue's script call fail while the first one's succeeds.
    await redis.raw().set(driver!.keys.key('broken', 'v2:jobs'), 'not a hash');
    const jobs = [...['ok-1', 'ok-2'].map((id) => ({ ...job(id), queue: 'fine' })), { ...job('refused'), queue: 'broken' }];
    const error = await driver!.enqueue(jobs).then(() => undefined, (reason: unknown) => reason as Error);
    expect(error?.message).toContain('WRONGTYPE');
    expect(error?.message).toContain('key "{rec:broken}:v2:jobs"');
    expect(error?.message).toContain('Of the same call 2 job(s) were enqueued all the same: ok-1, ok-2.');
    expect((await driver!.getJob('fine', 'ok-1'))?.state).toBe('waiting');
  });
});
