import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TickOutcome } from '../driver/driver-items.js';
import type { SchedulePort } from '../driver/driver-ports.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JOBS_SCHEDULE_PORT } from '../module/driver-roles.tokens.js';
import { JobRegistry } from '../registry/job.registry.js';
import { describeSpec, nextTick, previousTick } from './schedule.js';
import type { JobsTracing } from '../tracing/tracing.interface.js';
import { JOBS_TRACING } from '../tracing/tracing.token.js';
import { RuntimeScheduleCatalog } from './runtime-schedule-catalog.js';
import { codeEntry, type ScheduleEntry } from './schedule-entry.js';
import { RuntimeScheduleWatch } from './runtime-schedule-watch.js';

/** setTimeout's ceiling; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Arms one timer per schedule, code (`@Cron`/`@Every`) and runtime alike, and
 * enqueues each tick through the driver's atomic `enqueueTick`, so any number
 * of scheduling processes produce one job per tick. Runtime schedules are
 * re-read when any process changes them (RuntimeScheduleWatch). Runs in `all`
 * and `worker` modes, started by JobsStarter once the whole app has bootstrapped.
 */
@Injectable()
export class Scheduler {
  private readonly logger = new Logger('JobsScheduler');
  /** The schedules this process runs now, by name; a timer or plan of a replaced entry does nothing. */
  private readonly entries = new Map<string, ScheduleEntry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  /** Testing mode: each schedule's next tick, fired by JobsTester as its clock passes it. */
  private readonly planned = new Map<string, { entry: ScheduleEntry; tickAt: number }>();
  private readonly watch: RuntimeScheduleWatch;
  private started = false;
  private stopped = false;

  constructor(
    @Inject(JOBS_SCHEDULE_PORT) private readonly driver: Pick<SchedulePort, 'enqueueTick' | 'scheduleStates'>,
    private readonly registry: JobRegistry,
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    @Inject(JOBS_TRACING) private readonly tracing: JobsTracing | null,
    private readonly catalog: RuntimeScheduleCatalog,
  ) {
    this.watch = new RuntimeScheduleWatch(catalog, (entries) => this.applyRuntime(entries), this.logger, { poll: !config.testing });
  }

  private now(): number {
    return this.clock.now();
  }

  /** Not a Nest hook: JobsStarter calls it after every other module's onApplicationBootstrap. */
  async start(): Promise<void> {
    if (!this.config.runsWorkers) return;
    const runtime = await this.watch.start();
    const code = this.registry.schedules().map(codeEntry);
    const entries = [...code, ...runtime];
    await this.catchUp(entries);
    this.started = true;
    for (const entry of entries) this.place(entry);
    this.watch.goLive();
  }

  /** Re-reads the runtime schedules now (after this process changed one); resolves once applied. */
  async refresh(): Promise<void> {
    if (this.started && !this.stopped) await this.watch.refresh();
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
      if ((await this.fire(due.entry, due.tickAt)) === 'enqueued') enqueued++;
      if (this.entries.get(due.entry.name) === due.entry) this.plan(due.entry, due.tickAt);
    }
  }

  /** Not a Nest hook: JobsStarter calls it on shutdown, before the workers drain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch.stop();
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }

  /** Applies a fresh read of the runtime schedules: new ones start, changed ones re-arm, removed ones stop. */
  private applyRuntime(runtime: ScheduleEntry[]): void {
    if (!this.started || this.stopped) return;
    const names = new Set(runtime.map(({ name }) => name));
    for (const [name, current] of this.entries) {
      if (current.source !== 'runtime' || names.has(name)) continue;
      this.drop(name);
      this.logger.log(`Runtime schedule "${name}" removed`);
    }
    for (const entry of runtime) {
      const current = this.entries.get(entry.name);
      if (current?.source === 'code' || current?.signature === entry.signature) continue;
      this.drop(entry.name);
      this.place(entry);
      this.logger.log(`Runtime schedule "${entry.name}" ${current ? 'changed' : 'added'}: ${describeSpec(entry.schedule.spec)}, job ${entry.job}`);
    }
  }

  private place(entry: ScheduleEntry): void {
    this.entries.set(entry.name, entry);
    if (this.config.testing) this.plan(entry, this.now());
    else this.arm(entry, this.now());
  }

  private drop(name: string): void {
    this.entries.delete(name);
    this.planned.delete(name);
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  /** Enqueues the latest tick missed while no scheduler ran, once, for `catchUp: 'last'`. */
  private async catchUp(entries: ScheduleEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const states = await this.driver.scheduleStates(entries.map(({ name, queue }) => ({ name, queue })));
    const now = this.now();
    for (const entry of entries) {
      const { schedule } = entry;
      const lastTickAt = states[entry.name]?.lastTickAt;
      if (schedule.catchUp !== 'last' || lastTickAt === undefined) continue;
      const missed = this.tickOrUndefined(entry, () => previousTick(schedule.spec, now));
      if (missed === undefined || missed <= lastTickAt || now - missed > schedule.catchUpWindow) continue;
      if ((await this.fire(entry, missed)) === 'enqueued') {
        this.logger.log(`Caught up ${entry.name}: tick ${new Date(missed).toISOString()} was missed while no scheduler ran`);
      }
    }
  }

  private arm(entry: ScheduleEntry, after: number): void {
    if (this.stopped || this.entries.get(entry.name) !== entry) return;
    const tickAt = this.tickOrUndefined(entry, () => nextTick(entry.schedule.spec, after));
    if (tickAt === undefined) return;
    const wait = tickAt - this.now();
    const timer = setTimeout(() => {
      if (this.entries.get(entry.name) !== entry) return;
      if (wait > MAX_TIMER_MS) return this.arm(entry, after);
      const task = this.fire(entry, tickAt).then(() => undefined).finally(() => this.pending.delete(task));
      this.pending.add(task);
      // After a stall (suspended process, blocked loop) skip straight to the next future tick: no bursts.
      this.arm(entry, Math.max(tickAt, this.now()));
    }, Math.min(Math.max(0, wait), MAX_TIMER_MS));
    timer.unref();
    this.timers.set(entry.name, timer);
  }

  private plan(entry: ScheduleEntry, after: number): void {
    const tickAt = this.tickOrUndefined(entry, () => nextTick(entry.schedule.spec, after));
    if (tickAt === undefined) this.planned.delete(entry.name);
    else this.planned.set(entry.name, { entry, tickAt });
  }

  /** A tick computation that failed is logged and stops that schedule, never the process. */
  private tickOrUndefined(entry: ScheduleEntry, compute: () => number): number | undefined {
    try {
      return compute();
    } catch (error) {
      this.logger.error(`${entry.name}: cannot compute its next tick, the schedule stops: ${String(error)}`);
      return undefined;
    }
  }

  private async fire(entry: ScheduleEntry, tickAt: number): Promise<TickOutcome | undefined> {
    try {
      const job = entry.tickJob(tickAt, this.now());
      const enqueue = (): Promise<TickOutcome> =>
        this.driver.enqueueTick({ schedule: entry.name, tickAt, job, overlap: entry.schedule.overlap });
      // Every scheduling instance sends the tick; the span says whose enqueue created the job.
      const outcome = this.tracing
        ? await this.tracing.send([job], enqueue, (result) => ({ 'nest_jobs.tick.outcome': result }))
        : await enqueue();
      if (outcome === 'overlap') {
        this.logger.warn(`${entry.name}: tick ${new Date(tickAt).toISOString()} skipped, the previous run is unfinished`);
      }
      return outcome;
    } catch (error) {
      this.logger.error(`${entry.name}: could not enqueue tick ${new Date(tickAt).toISOString()}: ${String(error)}`);
      return undefined;
    }
  }
}
