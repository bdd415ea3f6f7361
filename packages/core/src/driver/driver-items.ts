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
