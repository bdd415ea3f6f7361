import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type Type } from '@nestjs/common';
import { Cron, Every, Job, JobsConfigurationError, type JobsModuleOptions } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { bootstrapError } from '../support/boot.js';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import { expectSentinelsIntact, queueSentinels } from '../support/sentinels.js';

// Cases bootstrap-validation.spec.ts does not already cover. Class names are unique per process.
@Injectable() class NightlyA { @Cron('0 2 * * *', { name: 'nightly' }) run(): void {} }
@Injectable() class NightlyB { @Every('1h', { name: 'nightly' }) run(): void {} }
@Injectable() class JobAndScheduleClash { @Job({ name: 'nightly' }) send(): void {} }
@Injectable() class CloseBraceQueue { @Job({ queue: 'mail}' }) send(): void {} }
@Injectable() class OpenBraceQueue { @Job({ queue: '{mail' }) send(): void {} }
@Injectable() class LongQueue { @Job({ queue: 'q'.repeat(101) }) send(): void {} }
@Injectable() class NewlineQueue { @Job({ queue: 'mail\n' }) send(): void {} }
@Injectable() class ScheduleBraceQueue { @Cron('0 * * * *', { queue: 'cron}x' }) hourly(): void {} }
@Injectable() class SevenFieldCron { @Cron('0 0 0 1 1 * 2030') yearly(): void {} }
@Injectable() class NumericTimezone { @Cron('0 2 * * *', { timezone: 5 as unknown as string }) nightly(): void {} }
@Injectable() class NegativeEvery { @Every(-5_000) sync(): void {} }
@Injectable() class BadCatchUp { @Every('5m', { catchUp: 'all' as 'last' }) sync(): void {} }
@Injectable() class BadRetention { @Job({ removeOnComplete: { count: -1 } }) send(): void {} }
@Injectable() class EmptyName { @Job({ name: '  ' }) send(): void {} }
@Injectable() class InfiniteBackoff { @Job({ backoff: { type: 'fixed', delay: Infinity } }) send(): void {} }
@Injectable() class PlainJobs { @Job() send(): void {} }

// Top level, so the server outlives every afterAll of the describe below.
const server = useRedisServer();

describe('bad configuration fails bootstrap naming the culprit, and queued jobs survive it', () => {
  let observer: RedisDriver;
  let sentinels: string[];
  const prefix = uniquePrefix('config');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    observer = new RedisDriver({ url: server().url, prefix });
    sentinels = await queueSentinels(observer, 'default');
  });
  afterEach(() => {
    for (const name of ['JOBS_MODE', 'JOBS_QUEUES']) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });
  afterAll(async () => {
    await expectSentinelsIntact(observer, 'default', sentinels);
    await Promise.all([observer, ...drivers].map((driver) => driver.close()));
  });

  const drivers: RedisDriver[] = [];
  /** A fresh driver per boot; a failed bootstrap leaves it to us to close. */
  const onRedis = (): Partial<JobsModuleOptions> => {
    drivers.push(new RedisDriver({ url: server().url, prefix }));
    return { driver: drivers.at(-1)! };
  };

  it.each<[string, Type[], string]>([
    ['two schedules with one name', [NightlyA, NightlyB], 'Duplicate schedule name "nightly": declared by "NightlyA.run" and "NightlyB.run"'],
    ['a job named like a schedule', [NightlyA, JobAndScheduleClash], 'Duplicate job/schedule name "nightly": declared by "NightlyA.run" and "JobAndScheduleClash.send"'],
    ['a queue name with "}"', [CloseBraceQueue], 'Job "CloseBraceQueue.send": queue name must be 1–100 characters without "{", "}"'],
    ['a queue name with "{"', [OpenBraceQueue], 'Job "OpenBraceQueue.send": queue name must be'],
    ['a queue name of 101 characters', [LongQueue], 'Job "LongQueue.send": queue name must be 1–100 characters'],
    ['a queue name with a newline', [NewlineQueue], '(got "mail\\n")'],
    ['a schedule queue with "}"', [ScheduleBraceQueue], 'Schedule "ScheduleBraceQueue.hourly": queue name must be'],
    ['a cron expression of 7 fields', [SevenFieldCron], 'Schedule "SevenFieldCron.yearly": invalid cron expression "0 0 0 1 1 * 2030" (7 fields)'],
    ['a timezone that is not a string', [NumericTimezone], 'Schedule "NumericTimezone.nightly": unknown timezone "5"'],
    ['a negative @Every', [NegativeEvery], 'Schedule "NegativeEvery.sync": @Every interval must be a whole number of ms ≥ 1000 or a duration like "30s", "5m", "1h" (got -5000).'],
    ['an unknown catchUp', [BadCatchUp], 'Schedule "BadCatchUp.sync": catchUp must be "none" or "last" (got "all").'],
    ['removeOnComplete.count -1', [BadRetention], 'Job "BadRetention.send": removeOnComplete.count must be an integer ≥ 0 (got -1).'],
    ['a blank job name', [EmptyName], 'Job "EmptyName.send": name must be a non-empty string (got "  ").'],
    ['an infinite backoff delay', [InfiniteBackoff], 'Job "InfiniteBackoff.send": backoff.delay must be a number of ms ≥ 0 (got Infinity).'],
  ])('%s', async (_case, providers, message) => {
    const error = await bootstrapError(providers, onRedis());
    expect(error).toBeInstanceOf(JobsConfigurationError);
    expect(error.message).toContain(message);
  });

  it.each<[string, Partial<JobsModuleOptions>, string]>([
    ['defaults.attempts 0', { defaults: { attempts: 0 } }, 'JobsModule defaults: attempts must be an integer ≥ 1 (got 0).'],
    ['maxPayloadBytes 0', { maxPayloadBytes: 0 }, 'JobsModule.forRoot: maxPayloadBytes must be an integer ≥ 1 (got 0).'],
    ['leaseMs 50', { leaseMs: 50 }, 'JobsModule.forRoot: leaseMs must be an integer ≥ 100 (got 50).'],
    ['fetchBatchSize 2.5', { fetchBatchSize: 2.5 }, 'JobsModule.forRoot: fetchBatchSize must be an integer from 1 to 1000 (got 2.5).'],
    ['fetchBatchSize 8100', { fetchBatchSize: 8_100 }, 'JobsModule.forRoot: fetchBatchSize must be an integer from 1 to 1000 (got 8100).'],
    ['a queues option with "}"', { queues: ['default', 'mail}'] }, 'JobsModule.forRoot: queues must be'],
  ])('module option: %s', async (_case, options, message) => {
    const error = await bootstrapError([PlainJobs], { ...onRedis(), ...options });
    expect(error).toBeInstanceOf(JobsConfigurationError);
    expect(error.message).toContain(message);
  });

  it('JOBS_QUEUES with a name that would break the hash tag names the variable', async () => {
    process.env.JOBS_QUEUES = 'default,{mail}';
    const error = await bootstrapError([PlainJobs], onRedis());
    expect(error).toBeInstanceOf(JobsConfigurationError);
    expect(error.message).toContain('JOBS_QUEUES');
    expect(error.message).toContain('"{mail}"');
  });

  it('JOBS_MODE=workers (a near miss) is refused naming the variable', async () => {
    process.env.JOBS_MODE = 'workers';
    const error = await bootstrapError([PlainJobs], onRedis());
    expect(error.message).toBe('JOBS_MODE must be one of "all", "worker", "producer" (got "workers").');
  });
});
