import type { DriverEvent } from '../driver-event.js';
import type { CancelOutcome, EnqueueResult, JobCounts, JobRecord, JobState, LeasedJob, LeaseOutcome, NewJob } from '../job-record.js';
import type {
  CompleteItem, FailItem, FetchOptions, FlowLimits, FlowStatus, LeaseRef, ListOptions, QueueDriver, ScheduleRef, ScheduleState, StoredSchedule,
  StoredSchedules, TickOutcome, TickRequest,
} from '../queue-driver.interface.js';
import type { DependencyStatus } from '../dependency-port.js';
import { MemoryAdmin, UNFINISHED } from './memory-admin.js';
import { MemoryDependencies } from './memory-dependencies.js';
import type { MemoryDriverOptions } from './memory-driver-options.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { MemoryLifecycle } from './memory-lifecycle.js';
import { MemoryQueue } from './memory-queue.js';
import { MemoryRuntimeSchedules } from './memory-runtime-schedules.js';
import { MemorySchedules } from './memory-schedules.js';
import { MemoryWakeups } from './memory-wakeups.js';
import { ATTACH_TEST_CLOCK, FORGET_FLOW_USAGE, NEXT_LANE_START } from './memory-test-hooks.js';
import type { StoredJob } from './stored-job.js';

export type { MemoryDriverOptions } from './memory-driver-options.js';

/**
 * The whole QueueDriver in process memory: the default for development and for
 * users' own tests. It passes the same conformance suite as RedisDriver. Jobs
 * live as long as the instance; two instances share nothing.
 */
export class MemoryDriver implements QueueDriver {
  readonly kind = 'memory';
  private readonly queueStates = new Map<string, MemoryQueue>();
  /** What `queues()` lists: registered queues and queues that ever got a job (not those merely read). */
  private readonly knownQueues = new Set<string>();
  private readonly schedules = new MemorySchedules();
  private readonly runtimeSchedules = new MemoryRuntimeSchedules();
  private readonly events = new MemoryEventBus();
  private readonly wakeups = new MemoryWakeups();
  private readonly cancelWatchers = new Set<(queue: string, id: string) => void>();
  private readonly dependencyState = new MemoryDependencies((queue, id) => this.queueStates.get(queue)?.get(id));
  private readonly lifecycle: MemoryLifecycle;
  private readonly admin: MemoryAdmin;
  private readonly now: () => number;
  private clock: () => number;
  private readonly hasOwnClock: boolean;
  /** Apps currently using this driver: one shared by several apps in a process (tests of a cluster) closes with the last. */
  private users = 0;
  private closed = false;

  constructor(options: MemoryDriverOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.hasOwnClock = options.now !== undefined;
    this.now = () => this.clock();
    this.lifecycle = new MemoryLifecycle(this.events, this.wakeups, this.now, options.maxErrorsKept ?? 20, this.dependencyState, (name) => this.queue(name));
    this.admin = new MemoryAdmin({
      queue: (name) => this.queue(name),
      existing: (name) => this.queueStates.get(name),
      knownQueues: this.knownQueues,
      lifecycle: this.lifecycle,
      wakeups: this.wakeups,
      now: this.now,
      cancelledActive: (queue, id) => this.cancelWatchers.forEach((watcher) => watcher(queue, id)),
    });
  }

  /** Testing mode: `now` drives this driver from here on. False when the driver was built with its own `now`. */
  [ATTACH_TEST_CLOCK](now: () => number): boolean {
    if (this.hasOwnClock) return false;
    this.clock = now;
    return true;
  }

  /** When a lane of `queue` held back by a rate window or a hold may start a job; undefined: none is. */
  [NEXT_LANE_START](queueName: string): number | undefined {
    const readiness = this.queueStates.get(queueName)?.readiness(this.now());
    return readiness && !readiness.ready ? readiness.until : undefined;
  }

  /** Clears every queue's rate windows, holds and dedupe windows (limits stay). */
  [FORGET_FLOW_USAGE](): void {
    for (const queue of this.queueStates.values()) {
      queue.flow.forgetUsage();
      queue.dedupes.clear();
    }
  }

  open(): Promise<void> {
    this.users++;
    if (this.closed) {
      // The jobs outlive a close: an app started again on this driver finds them, like a restart on Redis.
      this.closed = false;
      this.wakeups.reopen();
      this.events.reopen();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.closed) return Promise.resolve();
    this.closed = true;
    this.wakeups.close();
    this.events.close();
    return Promise.resolve();
  }

  registerQueues(queues: string[]): Promise<void> {
    return Promise.resolve(queues.forEach((queue) => this.knownQueues.add(queue)));
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    return new Promise((resolve) => {
      this.dependencyState.checkExist(jobs);
      resolve(jobs.map((job) => this.enqueueOne(job)));
    });
  }

  dependencies(queueName: string, id: string): Promise<DependencyStatus[] | null> {
    return Promise.resolve(this.dependencyState.statuses(queueName, id));
  }

  fetch(queueName: string, options: FetchOptions): Promise<LeasedJob[]> {
    // A closed driver wakes waiters at once: fetching on would spin a worker, so say why instead.
    if (this.closed) return Promise.reject(new Error(`MemoryDriver: fetch from "${queueName}" after close(); open() it again first`));
    const queue = this.queue(queueName);
    const now = this.now();
    this.lifecycle.housekeep(queue, now);
    const leased: LeasedJob[] = [];
    while (!queue.paused && leased.length < options.max) {
      const { job } = this.lifecycle.start(queue, options.leaseMs, now);
      if (!job) break;
      leased.push(job);
    }
    return Promise.resolve(leased);
  }

  complete(queueName: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    return this.settle(queueName, items, (queue, job, item) => {
      this.lifecycle.complete(queue, job, item.result);
      queue.applyRetention(job, item.retention, job.finishedAt ?? this.now());
    });
  }

  fail(queueName: string, items: FailItem[]): Promise<LeaseOutcome[]> {
    return this.settle(queueName, items, (queue, job, item) => {
      if (item.rateLimitedUntil !== undefined) this.lifecycle.rateLimited(queue, job, item.rateLimitedUntil, queue.reserveFront(1));
      else this.lifecycle.fail(queue, job, item.error, item.retryAt);
    });
  }

  extend(queueName: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    return this.settle(queueName, items, (queue, job) => queue.lease(job, this.now() + leaseMs));
  }

  release(queueName: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    const first = this.queue(queueName).reserveFront(items.length);
    let next = first;
    return this.settle(queueName, items, (queue, job) => this.lifecycle.release(queue, job, next++));
  }

  async progress(queueName: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    const [outcome] = await this.settle(queueName, [item], (_queue, job) => this.lifecycle.progress(job, progress));
    return outcome!;
  }

  waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    let wait = timeoutMs;
    for (const name of queues) {
      const ms = this.queueStates.get(name)?.msUntilWork(now);
      if (ms === 0) return Promise.resolve();
      if (ms !== undefined) wait = Math.min(wait, ms);
    }
    return this.wakeups.wait(queues, wait, signal);
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  getJob(queueName: string, id: string): Promise<JobRecord | null> { return this.admin.getJob(queueName, id); }
  counts(queueName: string): Promise<JobCounts> { return this.admin.counts(queueName); }
  list(queueName: string, state: JobState, options: ListOptions): Promise<JobRecord[]> { return this.admin.list(queueName, state, options); }
  queues(): Promise<string[]> { return this.admin.queues(); }
  retry(queueName: string, id: string): Promise<boolean> { return this.admin.retry(queueName, id); }
  retryAllDead(queueName: string): Promise<number> { return this.admin.retryAllDead(queueName); }
  removeAllDead(queueName: string): Promise<number> { return this.admin.removeAllDead(queueName); }
  cancel(queueName: string, id: string, reason?: string): Promise<CancelOutcome> { return this.admin.cancel(queueName, id, reason); }
  remove(queueName: string, id: string): Promise<boolean> { return this.admin.remove(queueName, id); }
  pause(queueName: string): Promise<void> { return this.admin.pause(queueName); }
  resume(queueName: string): Promise<void> { return this.admin.resume(queueName); }
  isPaused(queueName: string): Promise<boolean> { return this.admin.isPaused(queueName); }
  flowStatus(queueName: string, laneLimit: number): Promise<FlowStatus> { return this.admin.flowStatus(queueName, laneLimit); }

  watchCancels(listener: (queue: string, id: string) => void): () => void {
    this.cancelWatchers.add(listener);
    return () => this.cancelWatchers.delete(listener);
  }

  setFlowLimits(queueName: string, limits: Record<string, FlowLimits>): Promise<void> {
    this.queue(queueName).flow.setLimits(limits);
    return Promise.resolve(this.wakeups.notify(queueName));
  }

  enqueueTick(request: TickRequest): Promise<TickOutcome> {
    const outcome = this.schedules.tick(request, {
      isUnfinished: (queue, id) => UNFINISHED.has(this.queueStates.get(queue)?.get(id)?.state ?? 'completed'),
      enqueue: ({ job }) => this.enqueueOne(job).created,
    });
    if (outcome === 'overlap') {
      const { job } = request;
      this.events.emit({ type: 'skipped', queue: job.queue, name: job.name, id: job.id, attempt: 0, at: this.now() });
    }
    return Promise.resolve(outcome);
  }

  scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> { return Promise.resolve(this.schedules.snapshot(schedules)); }
  setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> { return Promise.resolve(this.schedules.setPaused(schedule, paused)); }
  saveSchedule(schedule: StoredSchedule): Promise<void> { return this.runtimeSchedules.saveSchedule(schedule); }
  removeSchedule(name: string): Promise<StoredSchedule | null> { return this.runtimeSchedules.removeSchedule(name); }
  loadSchedules(): Promise<StoredSchedules> { return this.runtimeSchedules.loadSchedules(); }
  scheduleVersion(): Promise<number> { return this.runtimeSchedules.scheduleVersion(); }
  watchSchedules(listener: () => void): () => void { return this.runtimeSchedules.watchSchedules(listener); }

  private enqueueOne(job: NewJob): EnqueueResult {
    const result = this.lifecycle.enqueue(this.queue(job.queue), job);
    if (result.created) this.knownQueues.add(job.queue);
    return result;
  }

  /**
   * Runs `apply` for each item whose token holds the job's current lease; the
   * others are `lost` and change nothing. A lease that ran out stays valid until
   * a fetch recovers it, as with Redis, where recovery happens inside fetch.
   */
  private settle<T extends LeaseRef>(queueName: string, items: T[], apply: (queue: MemoryQueue, job: StoredJob, item: T) => void): Promise<LeaseOutcome[]> {
    const queue = this.queue(queueName);
    return Promise.resolve(items.map((item): LeaseOutcome => {
      const job = queue.get(item.id);
      if (job?.state !== 'active' || job.token !== item.token) return 'lost';
      apply(queue, job, item);
      return 'ok';
    }));
  }

  private queue(name: string): MemoryQueue {
    let queue = this.queueStates.get(name);
    if (!queue) this.queueStates.set(name, (queue = new MemoryQueue(name, () => this.wakeups.notify(name))));
    return queue;
  }
}
