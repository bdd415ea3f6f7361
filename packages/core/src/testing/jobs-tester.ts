import { Inject, Injectable, type Type } from '@nestjs/common';
import type { AdminPort } from '../driver/driver-ports.js';
import { JOB_STATES } from '../driver/job-record.js';
import type { Jsonified } from '../interfaces/json.interface.js';
import { DriverLifecycle } from '../module/driver-lifecycle.js';
import { JOBS_ADMIN_PORT, JOBS_WORKER_PORT } from '../module/driver-roles.tokens.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { FORGET_FLOW_USAGE, NEXT_LANE_START } from '../driver/memory/memory-test-hooks.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig, type TestingConfig } from '../module/jobs-config.js';
import type { JobKey, JobPayload } from '../producer/producer.interface.js';
import { RuntimeScheduleService } from '../producer/runtime-schedule.service.js';
import { JobRegistry } from '../registry/job.registry.js';
import { messages } from '../registry/jobs.messages.js';
import { parseInterval } from '../scheduler/schedule.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { WorkerPool } from '../worker/worker-pool.js';
import { emptyReport, recordRuns, type DrainReport } from './drain-report.js';
import { EnqueueLog, type EnqueuedJob } from './enqueue-log.js';
import { JobsTesterError } from './jobs-tester.error.js';
import type { VirtualClock } from './virtual-clock.js';

/** Options of `drain()` and `advance()`. */
export interface DrainOptions {
  /** Resolve even when jobs ended dead (they are in the report). Default: reject with a JobsTesterError naming them. */
  allowDead?: boolean;
}

/** Clock steps one `advance()` takes at most: an `@Every('1s')` over a day is 86 400. */
const MAX_ADVANCE_STEPS = 200_000;
/** Delayed jobs read per queue when looking for the next run time. */
const DUE_PAGE = 100;

/**
 * Runs jobs in tests, on demand and on a virtual clock: provided by
 * `JobsModule.forRoot({ driver: new MemoryDriver(), testing: true })`. In
 * testing mode nothing runs by itself: no worker loop, no schedule timer.
 * Jobs run in `drain()` and `advance()`, schedules tick in `advance()`.
 */
@Injectable()
export class JobsTester {
  private busy = false;

  constructor(
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    @Inject(JOBS_ADMIN_PORT) private readonly admin: AdminPort,
    private readonly workers: WorkerPool,
    private readonly scheduler: Scheduler,
    private readonly lifecycle: DriverLifecycle,
    private readonly log: EnqueueLog,
    private readonly registry: JobRegistry,
    @Inject(JOBS_WORKER_PORT) private readonly driver: object,
    private readonly runtimeSchedules: RuntimeScheduleService,
  ) {}

  /** The virtual clock's time. It starts at `testing.startAt` (default: the real time at bootstrap). */
  now(): Date {
    this.testing('now');
    return new Date(this.clock.now());
  }

  /**
   * Runs every job due now, then what those jobs enqueued that is due now,
   * and so on, to completion. Rejects with a {@link JobsTesterError} when a
   * job ended dead (unless `allowDead`), or when jobs still fell due after
   * `testing.maxDrainRounds` rounds (a job that re-enqueues itself at once).
   */
  drain(options: DrainOptions = {}): Promise<DrainReport> {
    return this.exclusive('drain', async (testing) => {
      const report = emptyReport();
      await this.settle(report, testing);
      return this.finish(report, options);
    });
  }

  /**
   * Moves the virtual clock forward by `duration` (ms, or `'30s'`, `'5m'`,
   * `'1h30m'`, `'2d'`), stopping at each time something falls due on the way
   * (a delayed job, a retry after backoff, a `@Cron`/`@Every` tick, a rate
   * window or RateLimitedError hold that ends) to run it
   * as `drain()` does, in time order. Takes milliseconds of real time.
   */
  advance(duration: number | string, options: DrainOptions = {}): Promise<DrainReport> {
    return this.exclusive('advance', async (testing) => {
      const ms = typeof duration === 'number' && duration === 0 ? 0 : parseInterval(duration);
      if (ms === undefined) {
        throw new TypeError(`JobsTester.advance: duration must be ms ≥ 0 or like "30s", "5m", "1h30m", "2d" (got ${JSON.stringify(duration)}).`);
      }
      const target = this.clock.now() + ms;
      const report = emptyReport();
      await this.settle(report, testing);
      for (let steps = 0; ; steps++) {
        const next = await this.nextDueAt();
        if (next === undefined || next > target) break;
        if (steps === MAX_ADVANCE_STEPS) {
          throw new JobsTesterError(`JobsTester.advance(${JSON.stringify(duration)}): more than ${MAX_ADVANCE_STEPS} times at which something fell due; advance in smaller steps.`, report);
        }
        (this.clock as VirtualClock).moveTo(next);
        await this.scheduler.fireDueTicks();
        await this.settle(report, testing);
      }
      (this.clock as VirtualClock).moveTo(target);
      return this.finish(report, options);
    });
  }

  /** Jobs of `jobsClass.job` enqueued so far (since the last `reset()`), oldest first; payloads typed from the handler. */
  enqueued<T, K extends JobKey<T>>(jobsClass: Type<T>, job: K): Array<EnqueuedJob<Jsonified<JobPayload<T, K>>>>;
  /** Jobs (and schedule ticks) of stored name `name` (`'EmailJobs.sendEmail'` unless renamed) enqueued so far, oldest first. */
  enqueued<P = unknown>(name: string): Array<EnqueuedJob<P>>;
  enqueued(nameOrClass: string | Type, job?: string): EnqueuedJob[] {
    this.testing('enqueued');
    const name = typeof nameOrClass === 'string' ? nameOrClass : this.registry.getByMethod(nameOrClass, job!)?.name;
    if (name === undefined) {
      throw new TypeError(`JobsTester.enqueued: ${(nameOrClass as Type).name}.${String(job)} is not a @Job, @Cron or @Every method of this application.`);
    }
    return this.log.all().filter((entry) => entry.name === name);
  }

  /** Every job (and schedule tick) enqueued so far, oldest first. */
  allEnqueued(): readonly EnqueuedJob[] {
    this.testing('allEnqueued');
    return this.log.all();
  }

  /**
   * Forgets what was enqueued and removes every job this app's driver holds,
   * in any state, and the flow-control windows and holds (rate limits, dedupe,
   * RateLimitedError) and the runtime schedules (`Producer.schedule`), for a test
   * that reuses the app of the one before it. The clock and the code schedules' next ticks stay where they are.
   */
  reset(): Promise<void> {
    return this.exclusive('reset', async () => {
      this.log.clear();
      for (const queue of await this.admin.queues()) {
        for (const state of JOB_STATES) {
          for (let jobs = await this.admin.list(queue, state, { offset: 0, limit: 1_000 }); jobs.length > 0; jobs = await this.admin.list(queue, state, { offset: 0, limit: 1_000 })) {
            for (const job of jobs) await this.admin.remove(queue, job.id);
          }
        }
      }
      if (this.driver instanceof MemoryDriver) this.driver[FORGET_FLOW_USAGE]();
      await this.runtimeSchedules.removeAll('JobsTester.reset()');
    });
  }

  /** Runs rounds of due jobs until a round finds none. */
  private async settle(report: DrainReport, testing: TestingConfig): Promise<void> {
    for (let round = 0; ; round++) {
      const at = this.clock.now();
      const leased = await this.workers.runDue();
      await recordRuns(report, leased, this.admin, at);
      if (leased.length === 0) return;
      if (round + 1 === testing.maxDrainRounds) {
        throw new JobsTesterError(
          `JobsTester: jobs were still due after ${testing.maxDrainRounds} rounds; the last round ran ${describeNames(leased.map((job) => job.name))}. ` +
          'A job that enqueues itself (or another job, in a cycle) to run at once never settles: give it a delay and use advance(), ' +
          'or raise testing.maxDrainRounds if the chain is meant to be that long.',
          report,
        );
      }
    }
  }

  /** The earliest time after now at which a delayed job, a schedule tick or a held-back lane falls due. */
  private async nextDueAt(): Promise<number | undefined> {
    const now = this.clock.now();
    let next = this.scheduler.nextPlannedTick();
    for (const queue of this.workers.queues) {
      // A job due but not run (its queue paused) must not stop the clock at now forever.
      const delayed = await this.admin.list(queue, 'delayed', { offset: 0, limit: DUE_PAGE });
      const runAt = delayed.find((job) => job.runAt > now)?.runAt;
      if (runAt !== undefined && (next === undefined || runAt < next)) next = runAt;
      const lane = this.driver instanceof MemoryDriver ? this.driver[NEXT_LANE_START](queue) : undefined;
      if (lane !== undefined && lane > now && (next === undefined || lane < next)) next = lane;
    }
    return next;
  }

  private finish(report: DrainReport, options: DrainOptions): DrainReport {
    if (report.dead.length === 0 || options.allowDead) return report;
    const lines = report.dead.map((run) => `  ${run.name} (id ${run.id}, attempt ${run.attempt}): ${run.error?.name ?? 'Error'}: ${run.error?.message ?? 'no error recorded'}`);
    throw new JobsTesterError(
      `JobsTester: ${report.dead.length} job(s) ended dead:\n${lines.join('\n')}\n(pass { allowDead: true } when a test expects it; the report is on error.report)`,
      report,
    );
  }

  private async exclusive<R>(method: string, run: (testing: TestingConfig) => Promise<R>): Promise<R> {
    const testing = this.testing(method);
    if (!this.lifecycle.isOpen) {
      throw new Error(`JobsTester.${method}(): the app has not bootstrapped yet; workers and schedules start in onApplicationBootstrap. Call \`await moduleRef.init()\` (or \`app.init()\`) first.`);
    }
    if (this.busy) throw new Error(`JobsTester.${method}(): another drain(), advance() or reset() is still running; await it first.`);
    this.busy = true;
    try {
      return await run(testing);
    } finally {
      this.busy = false;
    }
  }

  private testing(method: string): TestingConfig {
    if (!this.config.testing) throw new Error(messages.testerOff(method));
    return this.config.testing;
  }
}

/** `"A.run" ×3, "B.go"`. */
function describeNames(names: string[]): string {
  const counts = new Map<string, number>();
  names.forEach((name) => counts.set(name, (counts.get(name) ?? 0) + 1));
  return [...counts].map(([name, count]) => `"${name}"${count > 1 ? ` ×${count}` : ''}`).join(', ');
}
