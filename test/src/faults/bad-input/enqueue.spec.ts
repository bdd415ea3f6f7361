import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Every, InvalidJobInputError, Job, fromJson, getProducerToken, type EnqueueOptions, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { bootJobsApp, rejectionOf } from '../support/boot.js';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import { expectSentinelsIntact, queueSentinels } from '../support/sentinels.js';

let received: unknown[] = [];

@Injectable()
class FaultEnqueueJobs {
  @Job()
  async echo(payload: unknown): Promise<unknown> {
    received.push(payload);
    return null;
  }

  @Every('1h')
  hourly(): void {}
}

/** `{ a: { a: ... 1 } }`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

/** The untyped path a JS caller or a dynamic dispatcher takes. */
type UntypedProducer = { enqueue(job: string, payload: unknown, options?: unknown): Promise<unknown> };

// Top level, so the server outlives every afterAll of the describe below.
const server = useRedisServer();

describe('bad enqueue input is refused naming the culprit, and nothing queued is lost', () => {
  let app: INestApplicationContext;
  let driver: RedisDriver;
  let producer: Producer<FaultEnqueueJobs>;
  let sentinels: string[];

  beforeAll(async () => {
    driver = new RedisDriver({ url: server().url, prefix: uniquePrefix('enqueue') });
    app = await bootJobsApp([FaultEnqueueJobs], { driver, mode: 'producer', maxPayloadBytes: 4_096 });
    producer = app.get(getProducerToken(FaultEnqueueJobs));
    sentinels = await queueSentinels(driver, 'default');
  });
  afterAll(async () => {
    await expectSentinelsIntact(driver, 'default', sentinels);
    expect((await driver.counts('default')).waiting).toBe(0);
    await app.close();
  });

  const untyped = (): UntypedProducer => producer as unknown as UntypedProducer;

  it.each<[string, EnqueueOptions, string]>([
    ['a negative delay', { delay: -1 }, 'Enqueue of job "FaultEnqueueJobs.echo": delay must be a number of ms ≥ 0 (got -1).'],
    ['a NaN delay', { delay: NaN }, 'delay must be a number of ms ≥ 0 (got NaN).'],
    ['an invalid runAt Date', { runAt: new Date('not a date') }, 'runAt must be a valid Date or epoch ms'],
    ['a fractional priority', { priority: 1.5 }, 'priority must be an integer from -1000000 to 1000000 (got 1.5).'],
    ['a priority out of range', { priority: 2_000_000 }, 'priority must be an integer from -1000000 to 1000000 (got 2000000).'],
    ['attempts 0', { attempts: 0 }, 'attempts must be an integer ≥ 1 (got 0).'],
    ['an empty jobId', { jobId: '' }, 'jobId must be a string of 1–512 characters (got "").'],
    ['a jobId of 513 characters', { jobId: 'x'.repeat(513) }, 'jobId must be a string of 1–512 characters'],
    ['a numeric jobId', { jobId: 42 as unknown as string }, 'jobId must be a string of 1–512 characters (got 42).'],
  ])('option: %s', async (_case, options, message) => {
    const error = await rejectionOf(producer.enqueue('echo', { ok: true }, options));
    expect(error).toBeInstanceOf(InvalidJobInputError);
    expect(error.message).toContain(message);
  });

  it('options that are not an object', async () => {
    const error = await rejectionOf(untyped().enqueue('echo', {}, 'urgent'));
    expect(error.message).toContain('Enqueue of job "FaultEnqueueJobs.echo": options must be an object (got "urgent").');
  });

  it('an unknown job key through the untyped path names the class and the key', async () => {
    const error = await rejectionOf(untyped().enqueue('sendMail', {}));
    expect(error).toBeInstanceOf(InvalidJobInputError);
    expect(error.message).toContain('Producer<FaultEnqueueJobs>: "sendMail" is not a @Job method of FaultEnqueueJobs.');
  });

  it('a schedule method through the producer says to use JobsAdmin.trigger', async () => {
    const error = await rejectionOf(untyped().enqueue('hourly', {}));
    expect(error.message).toContain('"FaultEnqueueJobs.hourly" is a schedule (@Cron/@Every), not a @Job');
  });

  it.each<[string, unknown, string]>([
    ['Infinity', { ratio: Infinity }, '$.ratio is Infinity (not representable in JSON)'],
    ['a function deep in an array', { steps: [{ run: () => 1 }] }, '$.steps[0].run is a function'],
    ['a Map (JSON would turn it into {})', { index: new Map([['a', 1]]) }, '$.index is a Map'],
    ['a Set (JSON would turn it into {})', { tags: new Set(['a']) }, '$.tags is a Set'],
    ['a payload just over the limit', { text: 'x'.repeat(4_096) }, 'over the limit of 4096 bytes (maxPayloadBytes)'],
    ['an own __proto__ key (the worker would drop it)', JSON.parse('{"user":{"__proto__":{"isAdmin":true}}}'), '$.user.__proto__ is an own "__proto__" key'],
    ['5,000 levels of nesting', nested(5_000), 'nests objects and arrays deeper than 256 levels (MAX_JSON_DEPTH)'],
  ])('payload: %s', async (_case, payload, message) => {
    const error = await rejectionOf(producer.enqueue('echo', payload));
    expect(error).toBeInstanceOf(InvalidJobInputError);
    expect(error.message).toContain('payload of job "FaultEnqueueJobs.echo"');
    expect(error.message).toContain(message);
  });

  it('a constructor.prototype payload is stored as plain data and pollutes nothing', async () => {
    const payload: unknown = JSON.parse('{"constructor":{"prototype":{"polluted":true}}}');
    received = [];
    const handle = await producer.enqueue('echo', payload, { delay: 3_600_000 });
    const stored = await driver.getJob('default', handle.id);
    expect(fromJson(stored!.payload)).toEqual({ constructor: { prototype: { polluted: true } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    await driver.remove('default', handle.id);
  });
});
