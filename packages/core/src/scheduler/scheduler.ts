import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TickOutcome } from '../driver/driver-items.js';
import type { SchedulePort } from '../driver/driver-ports.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JOBS_SCHEDULE_PORT } from '../module/driver-roles.tokens.js';
import type { JobDefinition } from '../registry/job-definition.js';
import { JobRegistry } from '../registry/job.registry.js';
import { nextTick, previousTick } from './schedule.js';
import { tickJob } from './tick-job.js';
import type { JobsTracing } from '../tracing/tracing.interface.js';
import { JOBS_TRACING } from '../tracing/tracing.token.js';

/** setTimeout's ceiling; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Arms one timer per schedule and enqueues each tick through the driver's
 * atomic `enqueueTick`, so any number of scheduling processes produce one job
 * per tick. Runs in `all` and `worker` modes, started by JobsStarter once
 * the whole app has bootstrapped.
 */
@Injectable()
export class Scheduler {
  private readonly logger = new Logger('JobsScheduler');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  /** Testing mode: each schedule's next tick, fired by JobsTester as its clock passes it. */
  private readonly planned = new Map<string, { definition: JobDefinition; tickAt: number }>();
  private stopped = false;

  constructor(
    @Inject(JOBS_SCHEDULE_PORT) private readonly driver: Pick<SchedulePort, 'enqueueTick' | 'scheduleStates'>,
    private readonly registry: JobRegistry,
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    @Inject(JOBS_TRACING) private readonly tracing: JobsTracing | null,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  /** Not a Nest hook: JobsStarter calls it after every other module's onApplicationBootstrap. */
  async start(): Promise<void> {
    if (!this.config.runsWorkers) return;
    const schedules = this.registry.schedules();
    if (schedules.length === 0) return;
    await this.catchUp(schedules);
    if (this.config.testing) schedules.forEach((definition) => this.plan(definition, this.now()));
    else for (const definition of schedules) this.arm(definition, this.now());
  }

  /** Testing mode: the earliest tick not fired yet. */
  nextPlannedTick(): number | undefined {
    const ticks = [...this.planned.values()].map(({ tickAt }) => tickAt);
    return ticks.length === 0 ? undefined : Math.min(...ticks);
  }

  /** Testing mode: enqueues every planned tick at or before now, in time order; returns the ticks enqueued. */
  async fireDueTicks(): Promise<number> {
    let enqueued = 0;
    for (;;) {
      const due = [...this.planned.values()].sort((a, b) => a.tickAt - b.tickAt)[0];
      if (this.stopped || due === undefined || due.tickAt > this.now()) return enqueued;
      if ((await this.fire(due.definition, due.tickAt)) === 'enqueued') enqueued++;
      this.plan(due.definition, due.tickAt);
    }
  }

  /** Not a Nest hook: JobsStarter calls it on shutdown, before the workers drain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }

  /** Enqueues the latest tick missed while no scheduler ran, once, for `catchUp: 'last'`. */
  private async catchUp(schedules: JobDefinition[]): Promise<void> {
    const states = await this.driver.scheduleStates(schedules.map(({ name, queue }) => ({ name, queue })));
    const now = this.now();
    for (const definition of schedules) {
      const schedule = definition.schedule!;
      const lastTickAt = states[definition.name]?.lastTickAt;
      if (schedule.catchUp !== 'last' || lastTickAt === undefined) continue;
      const missed = this.tickOrUndefined(definition, () => previousTick(schedule.spec, now));
      if (missed === undefined || missed <= lastTickAt || now - missed > schedule.catchUpWindow) continue;
      if ((await this.fire(definition, missed)) === 'enqueued') {
        this.logger.log(`Caught up ${definition.name}: tick ${new Date(missed).toISOString()} was missed while no scheduler ran`);
      }
    }
  }

  private arm(definition: JobDefinition, after: number): void {
    if (this.stopped) return;
    const tickAt = this.tickOrUndefined(definition, () => nextTick(definition.schedule!.spec, after));
    if (tickAt === undefined) return;
    const wait = tickAt - this.now();
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) return this.arm(definition, after);
      const task = this.fire(definition, tickAt).then(() => undefined).finally(() => this.pending.delete(task));
      this.pending.add(task);
      // After a stall (suspended process, blocked loop) skip straight to the next future tick: no bursts.
      this.arm(definition, Math.max(tickAt, this.now()));
    }, Math.min(Math.max(0, wait), MAX_TIMER_MS));
    timer.unref();
    this.timers.set(definition.name, timer);
  }

  private plan(definition: JobDefinition, after: number): void {
    const tickAt = this.tickOrUndefined(definition, () => nextTick(definition.schedule!.spec, after));
    if (tickAt === undefined) this.planned.delete(definition.name);
    else this.planned.set(definition.name, { definition, tickAt });
  }

  /** A tick computation that failed is logged and stops that schedule, never the process. */
  private tickOrUndefined(definition: JobDefinition, compute: () => number): number | undefined {
    try {
      return compute();
    } catch (error) {
      this.logger.error(`${definition.name}: cannot compute its next tick, the schedule stops: ${String(error)}`);
      return undefined;
    }
  }

  private async fire(definition: JobDefinition, tickAt: number): Promise<TickOutcome | undefined> {
    try {
      const job = tickJob(definition, tickAt, this.now());
      const enqueue = (): Promise<TickOutcome> =>
        this.driver.enqueueTick({ schedule: definition.name, tickAt, job, overlap: definition.schedule!.overlap });
      // Every scheduling instance sends the tick; the span says whose enqueue created the job.
      const outcome = this.tracing
        ? await this.tracing.send([job], enqueue, (result) => ({ 'nest_jobs.tick.outcome': result }))
        : await enqueue();
      if (outcome === 'overlap') {
        this.logger.warn(`${definition.name}: tick ${new Date(tickAt).toISOString()} skipped, the previous run is unfinished`);
      }
      return outcome;
    } catch (error) {
      this.logger.error(`${definition.name}: could not enqueue tick ${new Date(tickAt).toISOString()}: ${String(error)}`);
      return undefined;
    }
  }
}
