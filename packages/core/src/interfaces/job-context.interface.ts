import type { LoggerService } from '@nestjs/common';

/** What a handler gets besides its payload. */
export interface JobContext {
  id: string;
  name: string;
  queue: string;
  /** 1-based number of this try. */
  attempt: number;
  maxAttempts: number;
  enqueuedAt: Date;
  /** The tick a schedule run belongs to. */
  scheduledFor?: Date;
  /** Aborts on timeout, lost lease or forced shutdown. */
  signal: AbortSignal;
  /** Every line carries the job id, name and attempt. */
  logger: LoggerService;
  /** Stores progress (JSON) and emits a `progress` event. */
  progress(value: number | object): Promise<void>;
  /** Ends this try and schedules another after `delay` ms; counts as a try. */
  retry(options?: { delay?: number }): never;
  /**
   * The remote is rate limiting: holds this job's group (or its name) cluster-wide for `ms`
   * and ends this try, not counted; the job runs again after the hold. Throws RateLimitedError.
   */
  rateLimited(ms: number): never;
  /**
   * Results of the jobs this one was enqueued with `dependsOn`, in that order, as JSON gives them back
   * (`undefined` for one that did not complete, under `onDependencyFailure: 'ignore'`); `[]` without
   * dependencies. Read from the driver on call (results were copied to this job when each dependency ended).
   */
  dependencies<T extends readonly unknown[] = unknown[]>(): Promise<T>;
}
