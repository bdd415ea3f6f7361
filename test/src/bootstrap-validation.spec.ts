import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Cron, Every, InvalidJobInputError, JOBS_DRIVER, Job, JobsConfigurationError, JobsModule, JobsAdmin, MemoryDriver, getProducerToken,
  type JobsMode, type JobsModuleOptions, type Producer, type QueueDriver,
} from '@nest-jobs/core';
import { eventually } from './support/wait.js';

async function boot(providers: Type[], options: Partial<JobsModuleOptions> = {}): Promise<INestApplicationContext> {
  @Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 500, ...options } as JobsModuleOptions)], providers })
  class ValidationAppModule {}
  return NestFactory.createApplicationContext(ValidationAppModule, { logger: false, abortOnError: false });
}

/** The error bootstrap fails with; fails the test if the app boots. */
async function bootstrapError(providers: Type[], options: Partial<JobsModuleOptions> = {}): Promise<Error> {
  let app: INestApplicationContext;
  try {
    app = await boot(providers, options);
  } catch (error) {
    return error as Error;
  }
  await app.close();
  throw new Error(`Bootstrap of ${providers.map((provider) => provider.name).join(', ')} succeeded; expected a configuration error`);
}

// Class names are unique in this file: producers are keyed by class name across the process.
@Injectable() class AttemptsZeroJobs { @Job({ attempts: 0 }) send(): void {} }
@Injectable() class AttemptsFractionJobs { @Job({ attempts: 1.5 }) send(): void {} }
@Injectable() class AttemptsNegativeJobs { @Job({ attempts: -1 }) send(): void {} }
@Injectable() class NegativeTimeoutJobs { @Job({ timeout: -5 }) send(): void {} }
@Injectable() class BackoffTypeJobs { @Job({ backoff: { type: 'linear' as 'fixed', delay: 100 } }) send(): void {} }
@Injectable() class BackoffNegativeJobs { @Job({ backoff: -100 }) send(): void {} }
@Injectable() class BackoffNoDelayJobs { @Job({ backoff: { type: 'exponential' } as { type: 'exponential'; delay: number } }) send(): void {} }
@Injectable() class PriorityFractionJobs { @Job({ priority: 0.5 }) send(): void {} }
@Injectable() class ConcurrencyZeroJobs { @Job({ concurrency: 0 }) send(): void {} }
@Injectable() class BadQueueJobs { @Job({ queue: 'my queue' }) send(): void {} }
@Injectable() class FirstMailer { @Job({ name: 'mail.send' }) send(): void {} }
@Injectable() class SecondMailer { @Job({ name: 'mail.send' }) deliver(): void {} }
@Injectable() class BadCronJobs { @Cron('every day at 2') nightly(): void {} }
@Injectable() class OutOfRangeCronJobs { @Cron('61 * * * *') hourly(): void {} }
@Injectable() class BadTimezoneJobs { @Cron('0 2 * * *', { timezone: 'Mars/Olympus_Mons' }) nightly(): void {} }
@Injectable() class EveryWordsJobs { @Every('5 minutes') sync(): void {} }
@Injectable() class EveryTooFastJobs { @Every(500) sync(): void {} }
@Injectable() class EveryZeroJobs { @Every('0s') sync(): void {} }
@Injectable() class TwoDecoratorsJobs { @Job() @Every('5m') both(): void {} }

/** As plain JS (Babel legacy decorators) would apply it: to a class field, which holds no method on the prototype. */
@Injectable()
class PropertyJobs {
  handler = (): void => undefined;
}
(Job() as unknown as PropertyDecorator)(PropertyJobs.prototype, 'handler');

@Injectable()
class PropertyCronJobs {
  nightly = (): void => undefined;
}
(Cron('0 2 * * *') as unknown as PropertyDecorator)(PropertyCronJobs.prototype, 'nightly');

describe('bootstrap fails on bad configuration, naming Class.method and the option', () => {
  it.each<[string, Type[], string]>([
    ['attempts 0', [AttemptsZeroJobs], 'Job "AttemptsZeroJobs.send": attempts must be an integer ≥ 1 (got 0).'],
    ['attempts 1.5', [AttemptsFractionJobs], 'Job "AttemptsFractionJobs.send": attempts must be an integer ≥ 1 (got 1.5).'],
    ['attempts -1', [AttemptsNegativeJobs], 'Job "AttemptsNegativeJobs.send": attempts must be an integer ≥ 1 (got -1).'],
    ['a negative timeout', [NegativeTimeoutJobs], 'Job "NegativeTimeoutJobs.send": timeout must be a number of ms ≥ 1 (got -5).'],
    ['an unknown backoff type', [BackoffTypeJobs], 'Job "BackoffTypeJobs.send": backoff.type must be "fixed" or "exponential" (got "linear").'],
    ['a negative backoff', [BackoffNegativeJobs], 'Job "BackoffNegativeJobs.send": backoff must be a number of ms ≥ 0 (got -100).'],
    ['a backoff without delay', [BackoffNoDelayJobs], 'Job "BackoffNoDelayJobs.send": backoff.delay must be a number of ms ≥ 0 (got undefined).'],
    ['a fractional priority', [PriorityFractionJobs], 'Job "PriorityFractionJobs.send": priority must be an integer from -1000000 to 1000000 (got 0.5).'],
    ['concurrency 0', [ConcurrencyZeroJobs], 'Job "ConcurrencyZeroJobs.send": concurrency must be an integer from 1 to 10000 (got 0).'],
    ['a queue name with a space', [BadQueueJobs], 'Job "BadQueueJobs.send": queue name must be 1–100 characters without "{", "}", whitespace or control characters (got "my queue").'],
    ['one job name in two classes', [FirstMailer, SecondMailer], 'Duplicate job name "mail.send": declared by "FirstMailer.send" and "SecondMailer.deliver". Set a distinct `name` option on one of them.'],
    ['an invalid cron expression', [BadCronJobs], 'Schedule "BadCronJobs.nightly": invalid cron expression "every day at 2"'],
    ['a cron field out of range', [OutOfRangeCronJobs], 'Schedule "OutOfRangeCronJobs.hourly": invalid cron expression "61 * * * *"'],
    ['an unknown timezone', [BadTimezoneJobs], 'Schedule "BadTimezoneJobs.nightly": unknown timezone "Mars/Olympus_Mons". Use an IANA zone such as "Europe/Berlin" or "UTC".'],
    ['@Every("5 minutes")', [EveryWordsJobs], 'Schedule "EveryWordsJobs.sync": @Every interval must be a whole number of ms ≥ 1000 or a duration like "30s", "5m", "1h" (got "5 minutes").'],
    ['@Every(500)', [EveryTooFastJobs], 'Schedule "EveryTooFastJobs.sync": @Every interval must be a whole number of ms ≥ 1000'],
    ['@Every("0s")', [EveryZeroJobs], 'Schedule "EveryZeroJobs.sync": @Every interval must be'],
    ['@Job and @Every on one method', [TwoDecoratorsJobs], '"TwoDecoratorsJobs.both" has more than one of @Job, @Cron and @Every'],
    ['@Job on a property (plain JS style)', [PropertyJobs], '@Job on "PropertyJobs.handler": it decorates a property, not a method. Put it on a method of the class.'],
    ['@Cron on a property (plain JS style)', [PropertyCronJobs], '@Cron on "PropertyCronJobs.nightly": it decorates a property, not a method.'],
  ])('%s', async (_case, providers, message) => {
    const error = await bootstrapError(providers);
    expect(error).toBeInstanceOf(JobsConfigurationError);
    expect(error.message).toContain(message);
  });

  describe('module options', () => {
    const savedMode = process.env.JOBS_MODE;
    afterEach(() => {
      if (savedMode === undefined) delete process.env.JOBS_MODE;
      else process.env.JOBS_MODE = savedMode;
    });

    it('JOBS_MODE=garbage names the variable and the allowed values', async () => {
      process.env.JOBS_MODE = 'garbage';
      const error = await bootstrapError([]);
      expect(error).toBeInstanceOf(JobsConfigurationError);
      expect(error.message).toBe('JOBS_MODE must be one of "all", "worker", "producer" (got "garbage").');
    });

    it('an unknown mode option names the option', async () => {
      const error = await bootstrapError([], { mode: 'both' as JobsMode });
      expect(error.message).toBe('mode option must be one of "all", "worker", "producer" (got "both").');
    });

    it.each([
      ['no driver', {}],
      ['driver: undefined', { driver: undefined }],
      ['a driver that is not a QueueDriver', { driver: { url: 'redis://localhost' } }],
    ])('%s: says which drivers to pass', async (_case, options) => {
      const error = await bootstrapError([], { driver: undefined, ...options } as Partial<JobsModuleOptions>);
      expect(error).toBeInstanceOf(JobsConfigurationError);
      expect(error.message).toBe('JobsModule.forRoot: `driver` is required, e.g. `new MemoryDriver()` or `new RedisDriver({ url })`.');
    });

    it('a bad shutdownTimeout names the option', async () => {
      const error = await bootstrapError([], { shutdownTimeout: -1 });
      expect(error.message).toBe('JobsModule.forRoot: shutdownTimeout must be an integer ≥ 0 (got -1).');
    });
  });
});

// ---------------------------------------------------------------------------

let received: unknown[] = [];

/** Deep merge as naive user code writes it: a prototype-pollution vector if `__proto__` keys reached it. */
function naiveMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'object' && value !== null) {
      target[key] ??= {};
      naiveMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
  return target;
}

@Injectable()
class PayloadJobs {
  @Job()
  async echo(payload: unknown): Promise<unknown> {
    received.push(payload);
    const merged = naiveMerge({}, payload as Record<string, unknown>);
    return { keys: Object.keys(payload as object), isAdmin: (merged as { isAdmin?: boolean }).isAdmin ?? null };
  }
}

describe('payloads are refused at enqueue unless they are plain JSON', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    received = [];
  });

  async function payloadApp(): Promise<{ producer: Producer<PayloadJobs>; admin: JobsAdmin }> {
    app = await boot([PayloadJobs], { maxPayloadBytes: 1_024 });
    return { producer: app.get(getProducerToken(PayloadJobs)), admin: app.get(JobsAdmin) };
  }

  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;

  it.each<[string, unknown, string]>([
    ['a BigInt', { amount: 10n }, '$.amount is a BigInt (convert it to a string)'],
    ['a circular reference', circular, '$.self is a circular reference'],
    ['a function', { callback: () => 1 }, '$.callback is a function'],
    ['a symbol', { tags: ['a', Symbol('b')] }, '$.tags[1] is a symbol'],
    ['NaN', { ratio: NaN }, '$.ratio is NaN (not representable in JSON)'],
    ['a payload over maxPayloadBytes', { text: 'x'.repeat(2_000) }, 'The payload of job "PayloadJobs.echo" is 2011 bytes of JSON, over the limit of 1024 bytes (maxPayloadBytes).'],
  ])('%s', async (_case, payload, message) => {
    const { producer, admin } = await payloadApp();
    const refusal = producer.enqueue('echo', payload).then(() => undefined, (error: unknown) => error);
    const error = (await refusal) as Error;
    expect(error).toBeInstanceOf(InvalidJobInputError);
    expect(error.message).toContain(message);
    if (!message.startsWith('The payload')) expect(error.message).toContain('The payload of job "PayloadJobs.echo" is not JSON-serializable');
    const [queue] = await admin.queues();
    expect(queue!.counts).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 });
  });

  it('enqueueMany refuses the whole batch when one item is bad', async () => {
    const { producer, admin } = await payloadApp();
    await expect(producer.enqueueMany([
      { job: 'echo', payload: { ok: 1 } },
      { job: 'echo', payload: { amount: 1n } },
    ])).rejects.toThrow('$.amount is a BigInt');
    const [queue] = await admin.queues();
    expect(queue!.counts.waiting).toBe(0);
  });

  it('a "__proto__" key is refused at enqueue, naming its path, instead of being dropped', async () => {
    const { producer, admin } = await payloadApp();
    for (const [text, path] of [
      ['{"user":"ada","__proto__":{"isAdmin":true}}', '$.__proto__'],
      ['{"user":"ada","nested":{"__proto__":{"polluted":"yes"}}}', '$.nested.__proto__'],
    ] as const) {
      const error = await producer.enqueue('echo', JSON.parse(text) as unknown).then(() => undefined, (caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(InvalidJobInputError);
      expect(error?.message).toBe(`The payload of job "PayloadJobs.echo" is not JSON-serializable: ${path} is an own "__proto__" key, which the worker would drop; rename it.`);
    }
    expect((await admin.queues())[0]?.counts.waiting ?? 0).toBe(0);
  });

  it('a "__proto__" key stored around the producer reaches neither the handler nor Object.prototype', async () => {
    const { admin } = await payloadApp();
    const driver = app!.get<QueueDriver>(JOBS_DRIVER);
    const payload = '{"user":"ada","__proto__":{"isAdmin":true},"nested":{"__proto__":{"polluted":"yes"}}}';
    try {
      await driver.enqueue([{ id: 'raw', queue: 'default', name: 'PayloadJobs.echo', payload, priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now() }]);
      await eventually(async () => (await admin.get('default', 'raw'))?.state === 'completed', 'the raw job to complete');
      expect((await admin.get('default', 'raw'))?.result).toEqual({ keys: ['user', 'nested'], isAdmin: null });
      expect(received).toEqual([{ user: 'ada', nested: {} }]);
      expect(Object.getPrototypeOf(received[0])).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).isAdmin;
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
