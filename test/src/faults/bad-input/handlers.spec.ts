import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Job, getProducerToken, type JobRecord, type Producer } from '@nest-jobs/core';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from '@nest-jobs/redis';
import type { Redis } from 'ioredis';
import { bootJobsApp } from '../support/boot.js';
import { rawClient, uniquePrefix, useRedisServer } from '../support/redis.js';
import { eventually } from '../../support/wait.js';

@Injectable()
class FaultHandlerJobs {
  @Job() throwsString(): never { throw 'card declined'; }
  @Job() throwsUndefined(): never { throw undefined; }
  @Job() throwsObject(): never { throw { code: 'E42' }; }
  @Job({ timeout: 200 }) neverSettles(): Promise<never> { return new Promise<never>(() => undefined); }
  @Job() returnsBigInt(): unknown { return { total: 10n }; }
  @Job() returnsCycle(): unknown { const node: Record<string, unknown> = {}; node.self = node; return node; }
  @Job() echo(payload: unknown): unknown { return payload; }
}

// Top level, so the server outlives every afterAll of the describe below.
const server = useRedisServer();

describe('a misbehaving handler or a corrupt record ends dead with a clear reason, and the worker keeps running', () => {
  let app: INestApplicationContext;
  let driver: RedisDriver;
  let redis: Redis;
  let producer: Producer<FaultHandlerJobs>;

  beforeAll(async () => {
    driver = new RedisDriver({ url: server().url, prefix: uniquePrefix('handlers') });
    app = await bootJobsApp([FaultHandlerJobs], { driver, leaseMs: 1_000 });
    await app.init();
    producer = app.get(getProducerToken(FaultHandlerJobs));
    redis = rawClient(server());
  });
  afterAll(async () => {
    redis.disconnect();
    await app.close();
  });

  async function settled(id: string): Promise<JobRecord> {
    let job: JobRecord | null = null;
    await eventually(async () => {
      job = await driver.getJob('default', id);
      return job?.state === 'dead' || job?.state === 'completed';
    }, `job ${id} to settle`, 10_000);
    return job!;
  }

  /** Damages a job record (layout 2: one string per job in the queue's jobs hash) as another program might. */
  async function editRecord(queue: string, id: string, edit: (record: string) => string): Promise<void> {
    const key = driver.keys.key(queue, 'v2:jobs');
    const record = await redis.hget(key, id);
    expect(record).not.toBeNull();
    await redis.hset(key, id, edit(record!));
  }

  /** The worker still serves the queue: a fresh job completes. */
  async function expectWorkerAlive(): Promise<void> {
    const handle = await producer.enqueue('echo', { alive: true });
    expect(await handle.result({ timeout: 10_000 })).toEqual({ alive: true });
  }

  it.each<[string, 'throwsString' | 'throwsUndefined' | 'throwsObject' | 'neverSettles' | 'returnsBigInt' | 'returnsCycle', string]>([
    ['throws a string', 'throwsString', 'card declined'],
    ['throws undefined', 'throwsUndefined', 'Handler threw undefined'],
    ['throws a plain object', 'throwsObject', 'Handler threw a non-Error value: {"code":"E42"}'],
    ['never settles (timeout 200 ms)', 'neverSettles', 'timed out after 200 ms'],
    ['returns a BigInt', 'returnsBigInt', 'is a BigInt'],
    ['returns a circular structure', 'returnsCycle', 'is a circular reference'],
  ])('a handler that %s', async (_case, job, reason) => {
    const handle = await producer.enqueue(job, {} as never);
    const record = await settled(handle.id);
    expect(record.state).toBe('dead');
    expect(record.errors.at(-1)?.message).toContain(reason);
    await expectWorkerAlive();
  });

  const raw = (id: string, name: string, payload: string): NewJob =>
    ({ id, queue: 'default', name, payload, priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now() });

  it('a job whose name no handler knows', async () => {
    await driver.enqueue([raw('orphan-name', 'Gone.handler', '{}')]);
    const record = await settled('orphan-name');
    expect(record.errors.at(-1)?.message).toBe('No handler for job name "Gone.handler" on queue "default" in this application.');
    await expectWorkerAlive();
  });

  it('a record whose payload is not JSON', async () => {
    await driver.enqueue([raw('bad-json', 'FaultHandlerJobs.echo', '{"unterminated": ')]);
    const record = await settled('bad-json');
    expect(record.errors.at(-1)?.message).toContain('Payload of job bad-json is not valid JSON');
    await expectWorkerAlive();
  });

  it('a payload containing JS code stays a string: only JSON is deserialized', async () => {
    const code = "require('child_process').execSync('touch /tmp/pwned'); (function(){ globalThis.pwned = true })()";
    await driver.enqueue([raw('js-code', 'FaultHandlerJobs.echo', JSON.stringify({ code }))]);
    expect((await settled('js-code')).result).toBe(JSON.stringify({ code }));
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('a delayed record whose priority field is garbage', async () => {
    await driver.enqueue([{ ...raw('bad-priority', 'FaultHandlerJobs.echo', '{}'), runAt: Date.now() + 300 }]);
    await editRecord('default', 'bad-priority', (record) => record.replace(/^([a-z]\d*)/, '$1,Phigh'));
    const record = await settled('bad-priority');
    expect(record.state).toBe('dead');
    expect(record.errors.at(-1)?.message).toContain('corrupt job record');
    expect(record.errors.at(-1)?.message).toContain('pr');
    await expectWorkerAlive();
  });

  it('a waiting record that lost its name', async () => {
    await producer.enqueue('echo', {}, { jobId: 'no-name', delay: 300 });
    await editRecord('default', 'no-name', (record) => record.replace(/\|[^|]*\|/, '||'));
    const record = await settled('no-name');
    expect(record.errors.at(-1)?.message).toContain('corrupt job record');
    await expectWorkerAlive();
  });

  it('an index entry whose job record was deleted is dropped', async () => {
    await producer.enqueue('echo', {}, { jobId: 'vanished', delay: 300 });
    await redis.hdel(driver.keys.key('default', 'v2:jobs'), 'vanished');
    await eventually(async () => (await redis.zcard(driver.keys.key('default', 'v2:delayed'))) === 0, 'the orphan member to go', 5_000);
    await expectWorkerAlive();
    expect(await driver.getJob('default', 'vanished')).toBeNull();
  });

  it('an active record whose maxAttempts is garbage is buried when its lease expires', async () => {
    await driver.enqueue([{ ...raw('bad-attempts', 'Nobody.runs', '{}'), queue: 'side' }]);
    const [leased] = await driver.fetch('side', { max: 1, leaseMs: 100 });
    expect(leased?.id).toBe('bad-attempts');
    await editRecord('side', 'bad-attempts', (record) => record.replace(/^([a-z]\d*)/, '$1,My'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await driver.fetch('side', { max: 1, leaseMs: 100 })).toEqual([]);
    const record = await driver.getJob('side', 'bad-attempts');
    expect(record?.state).toBe('dead');
    expect(record?.errors.at(-1)?.message).toContain('corrupt job record');
  });
});
