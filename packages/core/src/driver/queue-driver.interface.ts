import type { DriverEvent } from './driver-event.js';
import type {
  EnqueueResult,
  JobCounts,
  JobError,
  JobRecord,
  JobState,
  LeasedJob,
  LeaseOutcome,
  NewJob,
  RetentionOptions,
} from './job-record.js';

export interface FetchOptions {
  /** Most jobs to lease in this call. */
  max: number;
  /** Lease length in ms; the worker extends it while the handler runs. */
  leaseMs: number;
}

export interface CompleteItem {
  id: string;
  token: string;
  /** JSON text of the result. */
  result: string;
  retention?: RetentionOptions;
}

export interface FailItem {
  id: string;
  token: string;
  /** The try's error. Absent when the handler asked for a retry itself (`ctx.retry()`). */
  error?: Omit<JobError, 'at' | 'attempt'>;
  /**
   * Epoch ms of the next try. Absent: the job is dead. Core decides (attempts,
   * backoff, UnrecoverableJobError); the driver carries the decision out.
   */
  retryAt?: number;
}

export interface LeaseRef {
  id: string;
  token: string;
}

export interface ListOptions {
  offset: number;
  limit: number;
}

/** Outcome of a schedule tick enqueue. */
export type TickOutcome = 'enqueued' | 'duplicate' | 'paused' | 'overlap';

export interface TickRequest {
  schedule: string;
  /** Tick instant, epoch ms. The job id is `cron:<schedule>:<tickAt>`. */
  tickAt: number;
  job: NewJob;
  /** False: skip the tick while the schedule's previous job is unfinished. */
  overlap: boolean;
}

/** A schedule and the queue its jobs go to (drivers keep its state beside that queue). */
export interface ScheduleRef {
  name: string;
  queue: string;
}

export interface ScheduleState {
  paused: boolean;
  /** Latest tick instant enqueued, epoch ms. */
  lastTickAt?: number;
  /** Id of the job of that tick. */
  lastJobId?: string;
}

/**
 * The one seam between nest-jobs and a storage backend. Everything above it is
 * driver-agnostic; the conformance suite in `@nest-jobs/core/testing` pins down
 * the semantics every implementation must share.
 *
 * Rules every driver follows:
 * - Each method is atomic per job: a job is in exactly one state at any time.
 * - Batch methods return one outcome per input item, in input order.
 * - Fetch order: higher priority first, FIFO (by enqueue order) among equals.
 * - `fetch` counts a try (`attempt + 1`), issues a fresh token, makes the job
 *   active and emits `active`. It also moves due delayed jobs to waiting and
 *   recovers expired leases (bounded work per call): an expired job goes back
 *   to waiting, or to dead when its tries are used up (error "lease expired").
 * - A paused queue's `fetch` returns nothing; enqueue still works.
 * - Enqueue with an existing id changes nothing and returns `created: false`.
 */
export interface QueueDriver {
  /** Short name for logs, e.g. `memory` or `redis`. */
  readonly kind: string;

  /**
   * Connects and checks the backend. Each app calls it once (JobsModule does)
   * and pairs it with one `close()`, so one driver can serve several apps.
   */
  open(): Promise<void>;
  /**
   * Undoes one `open()`. The last one (or a close of a driver never opened)
   * stops blocking waits and event delivery and releases connections; more calls do nothing.
   */
  close(): Promise<void>;

  /** Makes queues known to `queues()` even while empty. */
  registerQueues(queues: string[]): Promise<void>;

  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]>;
  fetch(queue: string, options: FetchOptions): Promise<LeasedJob[]>;
  complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]>;
  fail(queue: string, items: FailItem[]): Promise<LeaseOutcome[]>;
  extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]>;
  /** Hands leases back (graceful shutdown): waiting again, the try not counted. */
  release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]>;
  /** Stores progress (JSON text) and emits `progress`. */
  progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome>;

  /**
   * Resolves when a job may be ready in one of `queues` (enqueue, a delayed
   * job falling due, resume, retry), after `timeoutMs`, or when `signal`
   * aborts. Spurious wake-ups are allowed; busy polling is not.
   * A driver may resolve with the queues that may have work (the worker then
   * fetches only those; `[]`: none, e.g. on timeout); nothing means any of them.
   */
  waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<readonly string[] | void>;

  /** Delivers every job event from every process using this backend. */
  subscribe(listener: (event: DriverEvent) => void): () => void;

  getJob(queue: string, id: string): Promise<JobRecord | null>;
  counts(queue: string): Promise<JobCounts>;
  /**
   * Jobs in a state. Order: waiting in fetch order; delayed by run time;
   * active by lease expiry; completed and dead newest first.
   */
  list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]>;
  queues(): Promise<string[]>;
  /** Dead job back to waiting with a fresh set of tries. False if not dead. */
  retry(queue: string, id: string): Promise<boolean>;
  retryAllDead(queue: string): Promise<number>;
  /** Removes a job in any state; an active job's worker then gets `lost`. */
  remove(queue: string, id: string): Promise<boolean>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;

  /**
   * Enqueues a schedule tick at most once per (schedule, tickAt), atomically:
   * `duplicate` if that tick or a later one was already enqueued (even if its
   * job is gone), `paused` if the schedule is paused, `overlap` if
   * `overlap` is false and the previous tick's job is still waiting, delayed or active
   * (then a `skipped` event carries the skipped tick's job id).
   */
  enqueueTick(request: TickRequest): Promise<TickOutcome>;
  /** States of the given schedules, by name; a schedule never ticked nor paused is absent. */
  scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>>;
  setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void>;
}
