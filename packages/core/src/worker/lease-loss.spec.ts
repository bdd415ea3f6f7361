import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';

/** Keeps warnings instead of printing them. */
class WarningLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

let clock = 1_000_000;
/** Run once inside `compute`: what happens elsewhere while it blocks the event loop. */
let duringStall: (() => void) | undefined;
const aborts: Array<{ attempt: number; reason: string }> = [];
const started: string[] = [];

@Injectable()
class LeaseJobs {
  /** Synchronous: it can never notice its signal. */
  @Job({ attempts: 2 })
  compute(): string {
    duringStall?.();
    duringStall = undefined;
    return 'computed';
  }

  /** The first try waits until its signal aborts; later tries finish at once. */
  @Job({ concurrency: 2, attempts: 3 })
  async patient(_payload: void, ctx: JobContext): Promise<string> {
    if (ctx.attempt > 1) return 'fresh';
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    aborts.push({ attempt: ctx.attempt, reason: (ctx.signal.reason as Error).name });
    return 'stale';
  }

  @Job()
  ping(): string {
    return 'pong';
  }

  /** Concurrency 1 with other handlers on the queue: a second job waits in-process for this handler's slot. */
  @Job({ concurrency: 1, attempts: 3 })
  async serial(payload: { ms: number; key: string }): Promise<string> {
    started.push(payload.key);
    await sleep(payload.ms);
    return payload.key;
  }
}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  aborts.length = 0;
  started.length = 0;
});

async function boot(driver: MemoryDriver, leaseMs: number): Promise<WarningLog> {
  ({ app } = await bootJobsApp([LeaseJobs], { driver, leaseMs }));
  const log = new WarningLog();
  app.useLogger(log);
  await app.init();
  return log;
}

const newJob = (id: string, name: string, payload: unknown = null): Parameters<MemoryDriver['enqueue']>[0][number] =>
  ({ id, queue: 'default', name, payload: JSON.stringify(payload), priority: 0, maxAttempts: 3, runAt: clock, enqueuedAt: clock });

describe('WorkerPool when a lease is lost', () => {
  it('logs a completion the driver refused, even from a synchronous handler that never saw its lease go', async () => {
    const driver = new MemoryDriver({ now: () => clock });
    const log = await boot(driver, 1_000);
    const stolen: string[] = [];
    // While the handler computes, its lease lapses and another worker takes the job.
    duringStall = () => {
      clock += 10_000;
      void driver.fetch('default', { max: 1, leaseMs: 1_000 }).then((jobs) => stolen.push(...jobs.map((job) => `${job.id} ${job.attempt}`)));
    };
    await driver.enqueue([{ ...newJob('sync-1', 'LeaseJobs.compute'), maxAttempts: 2 }]);

    await eventually(() => log.warnings.some((line) => line.includes('sync-1')), 3_000, 'the refusal to be logged');
    expect(stolen).toEqual(['sync-1 2']);
    expect(log.warnings.filter((line) => line.includes('sync-1'))).toEqual([
      'LeaseJobs.compute: completion of job sync-1 on queue "default" (attempt 1) refused: its lease was lost ' +
      '(it lapsed and the job was leased again, or the job was cancelled or removed).',
    ]);
    // The other worker's try is untouched by the stale completion.
    expect(await driver.getJob('default', 'sync-1')).toMatchObject({ state: 'active', attempt: 2, errors: [expect.objectContaining({ name: 'LeaseExpiredError' })] });
  });

  it('aborts the stale try at once when this process leases its job again, and says so without blaming another worker', async () => {
    const driver = new MemoryDriver({ now: () => clock });
    const log = await boot(driver, 1_000);
    await driver.enqueue([newJob('twice', 'LeaseJobs.patient')]);
    await eventually(async () => (await driver.getJob('default', 'twice'))?.state === 'active', 2_000, 'the first try to start');

    // One synchronous step, so no renewal can run in between: the lease lapses, and new work wakes the dispatcher.
    clock += 10_000;
    void driver.enqueue([newJob('wake', 'LeaseJobs.ping')]);

    await eventually(async () => (await driver.getJob('default', 'twice'))?.state === 'completed', 3_000, 'the second try to complete');
    expect(await driver.getJob('default', 'twice')).toMatchObject({ attempt: 2, result: JSON.stringify('fresh') });
    expect(aborts).toEqual([{ attempt: 1, reason: 'LeaseLostError' }]);
    const warnings = log.warnings.filter((line) => line.includes('twice'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^LeaseJobs\.patient: Lease of job twice on queue "default" \(attempt 1\) lapsed \(.+\) and this process leased it again as attempt 2; the outcome of attempt 1 is not written\.$/,
    );
  });

  it('keeps renewing the lease of a job while it waits for its handler\'s slot', async () => {
    const driver = new MemoryDriver();
    await boot(driver, 1_000);
    await driver.enqueue([newJob('first', 'LeaseJobs.serial', { ms: 2_500, key: 'first' }), newJob('second', 'LeaseJobs.serial', { ms: 10, key: 'second' })]);
    await eventually(() => started.includes('first'), 2_000, 'the first job to start');
    expect((await driver.getJob('default', 'second'))?.state).toBe('active'); // leased, waiting for the slot

    // Another consumer polls the queue: it would take over any lease that lapsed.
    const stolen: string[] = [];
    const deadline = Date.now() + 6_000;
    let second = await driver.getJob('default', 'second');
    while (second?.state !== 'completed' && Date.now() < deadline) {
      stolen.push(...(await driver.fetch('default', { max: 1, leaseMs: 1_000 })).map((job) => job.id));
      await sleep(50);
      second = await driver.getJob('default', 'second');
    }
    expect(stolen).toEqual([]);
    expect(second).toMatchObject({ state: 'completed', attempt: 1, errors: [] });
  });
});
