import type { JobError, NewJob, RetentionOptions } from './job-record.js';

// Arguments and outcomes of the driver ports' methods.

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
  /**
   * Epoch ms: the handler reported a rate limit (RateLimitedError). The job's lane (its group's
   * when it has one, else its name's) is held until then cluster-wide, and the job waits again
   * at the front of its lane with this try not counted. Wins over `error` and `retryAt`.
   */
  rateLimitedUntil?: number;
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

/** At most `max` starts in any window of `perMs` ms. */
export interface RateLimit {
  max: number;
  perMs: number;
}

/** Limits of one job name, enforced by the driver across every worker. */
export interface FlowLimits {
  /** Starts of this job, all groups together. */
  rate?: RateLimit;
  /** Jobs of this name running at once, all workers together (leases included). */
  concurrency?: number;
  /** Per group key: running at once. */
  groupConcurrency?: number;
  /** Per group key: starts per window. */
  groupRate?: RateLimit;
}

/** One lane (a job name, or a name and group key) as a driver sees it now. */
export interface LaneStatus {
  name: string;
  /** Absent for the name's lane of jobs without a group. */
  group?: string;
  waiting: number;
  running: number;
  /** Starts within the current window of the lane's rate limit. */
  startsInWindow?: number;
  /** Epoch ms: held by a RateLimitedError until then. */
  heldUntil?: number;
}

/** Limits and usage of a queue's limited jobs. */
export interface FlowStatus {
  limits: Record<string, FlowLimits>;
  /** Per name: running jobs and starts in the current rate window, all groups together. */
  names: Array<{ name: string; running: number; startsInWindow?: number; heldUntil?: number }>;
  /** Lanes with waiting jobs, at most `limit` of them (busiest first). */
  lanes: LaneStatus[];
}
