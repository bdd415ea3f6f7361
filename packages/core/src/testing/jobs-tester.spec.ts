import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Cron } from '../decorators/cron.decorator.js';
import { Every } from '../decorators/every.decorator.js';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { Producer } from '../producer/producer.interface.js';
import { JobsTester, JobsTesterError } from './index.js';

interface Signup { email: string; plan: 'free' | 'pro' }

const START = Date.UTC(2030, 0, 1, 0, 0, 0);
const log: string[] = [];
let flakyFailures = 0;

@Injectable()
class AccountJobs {
  constructor(@InjectProducer(AccountJobs) private readonly accounts: Producer<AccountJobs>) {}

  @Job()
  async welcome(signup: Signup): Promise<string> {
    log.push(`welcome ${signup.email}`);
    await this.accounts.enqueue('audit', `welcomed ${signup.email}`);
    return `sent to ${signup.email}`;
  }

  @Job()
  audit(line: string): void {
    log.push(`audit ${line}`);
  }

  @Job({ attempts: 3, backoff: 60_000 })
  flaky(tag: string): void {
    if (flakyFailures-- > 0) throw new Error(`flaky ${tag} failed`);
    log.push(`flaky ${tag}`);
  }

  @Job({ attempts: 1 })
  broken(): void {
    throw new Error('no SMTP server');
  }

  @Job()
  async forever(round: number): Promise<void> {
    await this.accounts.enqueue('forever', round + 1);
  }

  @Every('10m')
  sweep(ctx: JobContext): void {
    log.push(`sweep ${ctx.scheduledFor!.toISOString().slice(11, 16)}`);
  }

  @Cron('30 0 * * *', { timezone: 'UTC' })
  nightly(ctx: JobContext): void {
    log.push(`nightly ${ctx.scheduledFor!.toISOString().slice(11, 16)}`);
  }
}

@Module({ providers: [AccountJobs] })
class AccountsModule {}

let moduleRef: TestingModule;
let jobs: JobsTester;
let accounts: Producer<AccountJobs>;

beforeEach(async () => {
  log.length = 0;
  flakyFailures = 0;
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: { startAt: new Date(START) } }), AccountsModule],
  }).compile();
  await moduleRef.init();
  jobs = moduleRef.get(JobsTester);
  accounts = moduleRef.get(AccountJobs)['accounts'];
});

afterEach(async () => {
  await moduleRef.close();
});

describe('JobsTester.drain', () => {
  it('runs nothing until drain(), then the due jobs and what they enqueued, to completion', async () => {
    await accounts.enqueue('welcome', { email: 'ada@example.com', plan: 'pro' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log).toEqual([]);

    const report = await jobs.drain();
    expect(log).toEqual(['welcome ada@example.com', 'audit welcomed ada@example.com']);
    expect(report.completed.map((run) => [run.name, run.result])).toEqual([
      ['AccountJobs.welcome', 'sent to ada@example.com'],
      ['AccountJobs.audit', null],
    ]);
  });

  it('runs a job enqueued with dependsOn after them, in the same drain', async () => {
    const first = await accounts.enqueue('welcome', { email: 'ada@example.com', plan: 'pro' });
    const second = await accounts.enqueue('welcome', { email: 'bob@example.com', plan: 'free' });
    await accounts.enqueue('audit', 'both welcomed', { dependsOn: [first, second] });
    await jobs.drain();
    expect(log.indexOf('audit both welcomed')).toBeGreaterThan(log.indexOf('welcome bob@example.com'));
    expect(log.filter((line) => line === 'audit both welcomed')).toHaveLength(1);
  });

  it('lists enqueued jobs with typed payloads, by class and method or by stored name', async () => {
    await accounts.enqueue('welcome', { email: 'ada@example.com', plan: 'pro' }, { jobId: 'signup-1' });
    await accounts.enqueue('welcome', { email: 'ada@example.com', plan: 'pro' }, { jobId: 'signup-1' });
    const [welcome, ...others] = jobs.enqueued(AccountJobs, 'welcome');
    expect(others).toEqual([]);
    const plan: 'free' | 'pro' = welcome!.payload.plan;
    expect(plan).toBe('pro');
    expect(welcome).toMatchObject({ id: 'signup-1', queue: 'default', runAt: new Date(START), attempts: 1 });

    await jobs.drain();
    expect(jobs.enqueued<string>('AccountJobs.audit').map((job) => job.payload)).toEqual(['welcomed ada@example.com']);
    await jobs.reset();
    expect(jobs.allEnqueued()).toEqual([]);
    expect(await jobs.drain()).toMatchObject({ runs: [] });
  });

  it('rejects naming a job that ended dead, and resolves with it in the report when allowDead is set', async () => {
    await accounts.enqueue('broken');
    const failure = await jobs.drain().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobsTesterError);
    expect((failure as Error).message).toContain('AccountJobs.broken');
    expect((failure as Error).message).toContain('no SMTP server');

    await accounts.enqueue('broken');
    const report = await jobs.drain({ allowDead: true });
    expect(report.dead).toHaveLength(1);
    expect(report.dead[0]!.error?.message).toBe('no SMTP server');
    expect(report.dead[0]!.error?.at).toEqual(jobs.now());
  });

  it('ends a job that re-enqueues itself forever with an error naming it, after maxDrainRounds', async () => {
    await accounts.enqueue('forever', 0);
    const started = Date.now();
    await expect(jobs.drain()).rejects.toThrow(/still due after 100 rounds; the last round ran "AccountJobs.forever"/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('JobsTester.advance', () => {
  it('runs a retry after a 60 s backoff within milliseconds of real time', async () => {
    flakyFailures = 2;
    await accounts.enqueue('flaky', 'x');
    const started = Date.now();
    const first = await jobs.drain();
    expect(first.failed.map((run) => run.outcome)).toEqual(['retrying']);
    expect(log).toEqual([]);

    await jobs.advance('59s');
    expect(log).toEqual([]);
    const report = await jobs.advance('2m');
    expect(log).toEqual(['flaky x']);
    expect(report.runs.map((run) => [run.attempt, run.outcome, run.at.getTime() - START])).toEqual([
      [2, 'retrying', 60_000],
      [3, 'completed', 120_000],
    ]);
    expect(jobs.now().getTime()).toBe(START + 59_000 + 120_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('ticks @Every and @Cron schedules only on advance(), interleaved in time order with delayed jobs', async () => {
    await accounts.enqueue('audit', 'delayed 25m', { delay: 25 * 60_000 });
    await jobs.drain();
    expect(log).toEqual([]);
    await jobs.advance('35m');
    expect(log).toEqual(['sweep 00:10', 'sweep 00:20', 'audit delayed 25m', 'sweep 00:30', 'nightly 00:30']);
    expect(jobs.enqueued('AccountJobs.sweep').map((tick) => tick.scheduledFor?.getTime())).toEqual(
      [10, 20, 30].map((minutes) => START + minutes * 60_000),
    );
  });

  it('steps through a day of 10-minute ticks quickly', async () => {
    const started = Date.now();
    await jobs.advance('1d');
    expect(log.filter((line) => line.startsWith('sweep'))).toHaveLength(144);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a duration it cannot read', async () => {
    await expect(jobs.advance('soon')).rejects.toThrow('JobsTester.advance: duration must be');
  });
});
