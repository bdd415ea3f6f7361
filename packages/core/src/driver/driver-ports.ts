import type { DependencyPort } from './dependency-port.js';
import type { DriverEvent } from './driver-event.js';
import type {
  CompleteItem, FailItem, FetchOptions, FlowLimits, FlowStatus, LeaseRef, ListOptions, ScheduleRef, ScheduleState, TickOutcome, TickRequest,
} from './driver-items.js';
import type { CancelOutcome, EnqueueResult, JobCounts, JobRecord, JobState, LeasedJob, LeaseOutcome, NewJob } from './job-record.js';

/** Connection and queue bookkeeping, used by the module around the other roles. */
export interface LifecyclePort {
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
  /**
   * Where the driver's warnings go. JobsModule passes a Nest `Logger` before
   * `open()`, so they reach the app's logger; a logger the user gave the driver wins.
   */
  useLogger?(logger: DriverLogger): void;
}

/** What a driver logs through (a Nest `Logger` fits). */
export interface DriverLogger {
  warn(message: string): void;
  log?(message: string): void;
}

/** What a worker needs: lease jobs, settle them, keep leases alive, and sleep while there is no work. */
export interface WorkerPort extends DependencyPort {
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
  /**
   * Calls `listener` soon after an active job of this backend is cancelled, in any process, so
   * the worker holding it aborts it (milliseconds, where a lost lease shows only at the next
   * renewal). Optional: without it a cancelled job's worker finds out when renewing its lease.
   * Returns the unsubscribe.
   */
  watchCancels?(listener: (queue: string, id: string) => void): () => void;
}

/** Reads one job: shared by producers (a job handle's state and result) and admins. */
export interface JobReader {
  getJob(queue: string, id: string): Promise<JobRecord | null>;
}

/** Cancels one job: shared by producers (a job handle's cancel) and admins. */
export interface JobCanceller {
  /**
   * Blocked, waiting, delayed or active → `cancelled` at once, with the reason kept as its last error and
   * a `cancelled` event; an active job's lease is void (its worker's settle and extend get `lost`).
   */
  cancel(queue: string, id: string, reason?: string): Promise<CancelOutcome>;
}

/** What producers need: enqueue, then follow (or cancel) the job (with the event feed). */
export interface ProducerPort extends JobReader, JobCanceller {
  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]>;
}

/** Reads and operator actions on queues and jobs. */
export interface AdminPort extends JobReader, JobCanceller, DependencyPort {
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
  /** Removes every dead job of the queue (oldest first, in bounded atomic chunks); returns how many. */
  removeAllDead(queue: string): Promise<number>;
  /** Removes a job in any state; an active job's worker then gets `lost`. */
  remove(queue: string, id: string): Promise<boolean>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;
}

/** Schedule ticks and schedule state, shared by every scheduling process. */
export interface SchedulePort {
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

/**
 * Flow control: the limits every worker enforces, shared through the backend. Each process
 * writes the limits of the job names it defines at start; jobs enqueued with `limited` obey
 * the limits stored for their name (none stored: no limit, groups still take turns).
 */
export interface FlowPort {
  /** Sets the limits of the named jobs; `{}` removes a name's limits. Names not given keep theirs. */
  setFlowLimits(queue: string, limits: Record<string, FlowLimits>): Promise<void>;
  /** Limits, usage, and up to `laneLimit` lanes with waiting jobs (admin and dashboard). */
  flowStatus(queue: string, laneLimit: number): Promise<FlowStatus>;
}

/** Every job event from every process using this backend. */
export interface EventFeed {
  subscribe(listener: (event: DriverEvent) => void): () => void;
}
