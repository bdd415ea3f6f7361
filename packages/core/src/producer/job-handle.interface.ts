import type { JobState } from '../driver/job-record.js';

/** A reference to an enqueued job, typed by its handler's result. */
export interface JobHandle<R> {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  /** False when a job with this id already existed (idempotent enqueue). */
  readonly created: boolean;
  /** Current state, or `missing` once removed. */
  state(): Promise<JobState | 'missing'>;
  /**
   * The handler's return value once completed, from any process, as JSON gives
   * it back (`Jsonified`: a Date is its ISO string, methods are gone). Rejects with
   * JobFailedError when the job ends dead, JobExpiredError or JobCancelledError when it
   * expired or was cancelled, JobResultTimeoutError after `timeout` ms.
   */
  result(options?: { timeout?: number }): Promise<R>;
  /**
   * Cancels the job from any process: waiting or delayed, it never runs; running, its
   * worker's `ctx.signal` aborts with JobCancelledError and its outcome is refused. Never
   * retried. True when this call cancelled it; false when it had ended (or is gone).
   */
  cancel(reason?: string): Promise<boolean>;
}
