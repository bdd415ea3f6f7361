import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LeasedJob } from '../driver/job-record.js';
import type { FlowPort, JobReader, LifecyclePort, WorkerPort } from '../driver/driver-ports.js';
import type { FlowLimits } from '../driver/driver-items.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JOBS_ADMIN_PORT, JOBS_FLOW_PORT, JOBS_LIFECYCLE_PORT, JOBS_WORKER_PORT } from '../module/driver-roles.tokens.js';
import { JobRegistry } from '../registry/job.registry.js';
import { AckBatcher } from './ack-batcher.js';
import { JobRunner } from './job-runner.js';
import { LeaseKeeper } from './lease-keeper.js';
import { QueueSlots } from './queue-slots.js';
import type { JobsTracing } from '../tracing/tracing.interface.js';
import { JOBS_TRACING } from '../tracing/tracing.token.js';

const IDLE_WAIT_MS = 5_000;
/** Reused: aborting without a reason makes Node build a DOMException with a stack on every idle turn. */
const WAIT_OVER = new Error('wait over');
const ERROR_PAUSE_MS = 1_000;
const SLOT_FREED = -1;
/** Time left to write the last acknowledgements on shutdown, even when handlers used up shutdownTimeout. */
const ACK_DRAIN_MIN_MS = 1_000;

/**
 * Consumes this process's queues: one dispatcher loop leases batches of jobs
 * while slots are free, blocks in the driver while queues are empty, and
 * drains gracefully on shutdown. JobsStarter starts it once the whole app
 * has bootstrapped, so handlers never run against half-initialised providers.
 */
@Injectable()
export class WorkerPool {
  private readonly logger = new Logger('JobsWorker');
  private readonly slots = new Map<string, QueueSlots>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopFetching = new AbortController();
  /** Queues that may have jobs to fetch: all at start, then those the driver names when it wakes the loop. */
  private readonly hot = new Set<string>();
  private readonly leases: LeaseKeeper;
  private readonly acks: AckBatcher;
  private readonly runner: JobRunner;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastErrorLog = 0;
  private stopWatchingCancels: (() => void) | undefined;

  constructor(
    @Inject(JOBS_WORKER_PORT) private readonly driver: WorkerPort,
    @Inject(JOBS_LIFECYCLE_PORT) private readonly lifecycle: Pick<LifecyclePort, 'kind' | 'registerQueues'>,
    private readonly registry: JobRegistry,
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) clock: JobsClock,
    @Inject(JOBS_FLOW_PORT) private readonly flow: Pick<FlowPort, 'setFlowLimits'>,
    @Inject(JOBS_TRACING) tracing: JobsTracing | null,
    @Inject(JOBS_ADMIN_PORT) reader: Pick<JobReader, 'getJob'>,
  ) {
    this.leases = new LeaseKeeper(driver, config.leaseMs, (error) => this.reportError('renewing leases', error), Date.now, reader);
    this.acks = new AckBatcher(driver, config.leaseMs, (error, queue) => this.reportError(`acknowledging jobs of "${queue}"`, error));
    this.runner = new JobRunner({ driver, acks: this.acks, leases: this.leases, maxPayloadBytes: config.maxPayloadBytes, logger: this.logger, now: () => clock.now(), tracing });
  }

  /** Queues this process consumes. */
  get queues(): string[] {
    return [...this.slots.keys()];
  }

  /** Not a Nest hook: JobsStarter calls it after every other module's onApplicationBootstrap. */
  async startConsuming(): Promise<void> {
    await this.lifecycle.registerQueues(this.registry.queues());
    await this.publishLimits();
    if (!this.config.runsWorkers) return;
    const wanted = this.config.queues ?? this.registry.queues();
    for (const queue of wanted) {
      const definitions = this.registry.all().filter((definition) => definition.queue === queue);
      // Consuming a queue we have no handler for would send its jobs to dead: leave it to other processes.
      if (definitions.length === 0) this.logger.warn(`JOBS_QUEUES/queues names "${queue}", which has no handler here: not consuming it`);
      else this.slots.set(queue, new QueueSlots(queue, definitions));
    }
    if (this.slots.size === 0) return;
    // A job cancelled while it runs here: abort it now, not at the next lease renewal.
    this.stopWatchingCancels = this.driver.watchCancels?.((queue, id) => {
      if (this.slots.has(queue)) this.leases.cancel(queue, id);
    });
    if (this.config.testing) {
      // JobsTester runs what is due (runDue): no fetch loop, idle wait or lease renewal timer of its own.
      this.loop = Promise.resolve();
      return;
    }
    this.leases.start();
    this.loop = this.dispatch();
    this.logger.log(`Consuming ${this.queues.map((q) => `"${q}"`).join(', ')} on the ${this.lifecycle.kind} driver`);
  }

  /**
   * Stores this app's flow limits with the driver, where every worker of the cluster reads them:
   * each @Job's, `{}` for one without (so a limit taken out of the code is taken out there too).
   */
  private async publishLimits(): Promise<void> {
    const byQueue = new Map<string, Record<string, FlowLimits>>();
    for (const definition of this.registry.jobs()) {
      const queue = byQueue.get(definition.queue) ?? byQueue.set(definition.queue, {}).get(definition.queue)!;
      queue[definition.name] = definition.flow?.limits ?? {};
    }
    for (const [queue, limits] of byQueue) await this.flow.setFlowLimits(queue, limits);
  }

  /**
   * Not a Nest hook: JobsStarter calls it in the first module's onModuleDestroy, so in-flight
   * handlers finish while the providers they use are still alive. Stops fetching, lets running
   * jobs finish up to `shutdownTimeout`, then aborts them and hands their leases back.
   */
  async stopConsuming(): Promise<void> {
    if (!this.loop) return;
    const shutdownStarted = Date.now();
    this.stopFetching.abort();
    this.wake?.();
    await this.loop;
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, this.config.shutdownTimeout, 'timeout').unref());
    if ((await Promise.race([Promise.allSettled([...this.running]), deadline])) === 'timeout') {
      this.logger.warn(`Shutdown timeout (${this.config.shutdownTimeout} ms): aborting ${this.running.size} job(s) and handing their leases back`);
      this.runner.abortAll();
      await Promise.allSettled([...this.running]);
    }
    // Unwritable acknowledgements (Redis away) are given up when shutdownTimeout is spent (at least ACK_DRAIN_MIN_MS).
    await this.acks.drain(Math.max(ACK_DRAIN_MIN_MS, shutdownStarted + this.config.shutdownTimeout - Date.now()));
    this.leases.stop();
    this.stopWatchingCancels?.();
    this.loop = undefined;
  }

  /**
   * Testing mode: leases every job due now in the consumed queues, runs them
   * (concurrency limits held) and resolves, with the jobs leased, once every
   * outcome is written. What they enqueue waits for the next call.
   */
  async runDue(): Promise<LeasedJob[]> {
    const leased: LeasedJob[] = [];
    for (const slots of this.slots.values()) {
      const max = this.config.fetchBatchSize;
      for (let full = true; full && !this.stopFetching.signal.aborted; ) {
        const jobs = await this.driver.fetch(slots.queue, { max, leaseMs: this.config.leaseMs });
        full = jobs.length === max;
        for (const job of jobs) this.start(slots, job);
        leased.push(...jobs);
      }
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.acks.drain();
    return leased;
  }

  private async dispatch(): Promise<void> {
    const stop = this.stopFetching.signal;
    this.slots.forEach((_, queue) => this.hot.add(queue));
    while (!stop.aborted) {
      let leased = 0;
      for (const slots of this.slots.values()) {
        if (slots.free <= 0 || stop.aborted || !this.hot.has(slots.queue)) continue;
        try {
          const max = Math.min(slots.free, this.config.fetchBatchSize);
          const jobs = await this.driver.fetch(slots.queue, { max, leaseMs: this.config.leaseMs });
          leased += jobs.length;
          // Fewer than asked for: the queue is empty now, until the driver names it again.
          if (jobs.length < max) this.hot.delete(slots.queue);
          for (const job of jobs) this.start(slots, job);
        } catch (error) {
          this.reportError(`fetching from "${slots.queue}"`, error);
          await this.pause(ERROR_PAUSE_MS);
        }
      }
      if (leased > 0 || stop.aborted) continue;
      await this.idle();
    }
  }

  /** Waits for work in queues with free slots, or for a slot to free in a full one. */
  private async idle(): Promise<void> {
    const open = [...this.slots.values()].filter((slots) => slots.free > 0).map((slots) => slots.queue);
    // A slot freed in a queue that may have work: fetch before sleeping.
    if (open.some((queue) => this.hot.has(queue))) return;
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    if (open.length === 0) {
      // Every slot busy: a freed slot or shutdown calls wake. No AbortController here: at concurrency 1
      // this runs once per job, and creating and aborting one showed up in profiles.
      await woken;
      this.wake = undefined;
      return;
    }
    const waitDone = new AbortController();
    const onStop = (): void => waitDone.abort(WAIT_OVER);
    this.stopFetching.signal.addEventListener('abort', onStop, { once: true });
    // The queues the driver names become hot whenever it names them: it hands each over once.
    const waiting = this.driver.waitForWork(open, IDLE_WAIT_MS, waitDone.signal).then((ready) => {
      const named = ready ?? open;
      named.forEach((queue) => this.hot.add(queue));
      return named.length;
    });
    try {
      if ((await Promise.race([waiting, woken.then(() => SLOT_FREED)])) === SLOT_FREED) {
        // Not awaited: an aborted wait may still be connecting (Redis away) and must not hold shutdown.
        void waiting.then((named) => {
          if (named > 0) this.wake?.();
        }, () => undefined);
      }
    } catch (error) {
      this.reportError('waiting for jobs', error);
      await this.pause(ERROR_PAUSE_MS);
    } finally {
      waitDone.abort(WAIT_OVER);
      this.wake = undefined;
      this.stopFetching.signal.removeEventListener('abort', onStop);
    }
  }

  private start(slots: QueueSlots, job: LeasedJob): void {
    const definition = this.registry.getByName(job.name);
    // The queue slot is taken now; the handler's own slot may come later. The runner holds
    // (renews) the lease from this call on, so a job waiting for its handler's slot keeps it.
    const turn = slots.acquire(job.name);
    const task = this.runner.run(job, definition?.queue === job.queue ? definition : undefined, turn)
      .catch((error: unknown) => this.reportError(`running ${job.name} ${job.id}`, error))
      .finally(() => {
        slots.release(job.name);
        // A queue that was full is not in the driver wait: wake the loop to refill it.
        if (slots.free === 1) this.wake?.();
      });
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Sleeps `ms`, less if shutdown starts. Drops its abort listener either way: an outage pauses every second. */
  private pause(ms: number): Promise<void> {
    const signal = this.stopFetching.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private reportError(doing: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 5_000) return;
    this.lastErrorLog = now;
    this.logger.error(`Error while ${doing}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
