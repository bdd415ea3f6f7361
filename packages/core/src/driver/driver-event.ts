import type { JobError } from './job-record.js';

export type JobEventType =
  | 'enqueued'
  | 'active'
  | 'progress'
  | 'completed'
  | 'retrying'
  | 'failed'
  | 'dead'
  /** Dropped unrun: still waiting `expireAfter` past its run time. */
  | 'expired'
  /** Cancelled (JobsAdmin.cancel, JobHandle.cancel); `error` carries the reason. A worker running it aborts it. */
  | 'cancelled'
  /** Enqueued with dependencies that have not all ended: the job waits in state `blocked`. */
  | 'blocked'
  /** Every dependency ended (completed, or failed with `onDependencyFailure: 'ignore'`): the job waits to run. */
  | 'unblocked'
  /** The handler said the remote is rate limiting: the job (or its group) is held until `runAt`; the try is not counted. */
  | 'rate-limited'
  /** A schedule tick not enqueued because the previous run is unfinished (`overlap: false`); `id` is the tick's job id. */
  | 'skipped';

/**
 * A state change as a driver reports it, to every process connected to it.
 * Per job, events arrive in the order the changes happened.
 */
export interface DriverEvent {
  type: JobEventType;
  queue: string;
  name: string;
  id: string;
  attempt: number;
  /** Epoch ms. */
  at: number;
  /** JSON text: the result (`completed`) or the progress value (`progress`). */
  data?: string;
  /** The failed try (`failed`), or the final error (`dead`). */
  error?: JobError;
  /** Epoch ms of the next try (`retrying`), or the end of the hold (`rate-limited`). */
  runAt?: number;
}
