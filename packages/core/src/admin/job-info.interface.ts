import type { JobCounts, JobState } from '../driver/job-record.js';

/** One failed try, as operators and callers see it. */
export interface JobErrorInfo {
  message: string;
  name?: string;
  stack?: string;
  /** 1-based try that failed. */
  attempt: number;
  /** When it failed. */
  at: Date;
}

/** A job as operators see it: payload, result and progress parsed. */
export interface JobInfo {
  id: string;
  queue: string;
  name: string;
  state: JobState;
  payload: unknown;
  result?: unknown;
  progress?: unknown;
  priority: number;
  attempt: number;
  maxAttempts: number;
  enqueuedAt: Date;
  runAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  scheduledFor?: Date;
  /** Group key (flow control `group`). */
  group?: string;
  /** When a job still waiting then ends expired (`expireAfter`). */
  expireAt?: Date;
  /** A waiting limited job (JobsAdmin.get only): which limit holds it back, e.g. `group "acme" at its concurrency 2`. */
  waitingReason?: string;
  /** Failed tries, oldest first. */
  errors: JobErrorInfo[];
  /**
   * A job enqueued with `dependsOn` (JobsAdmin.get only): its dependencies in order with their states, the
   * state each ended in once handed over (`missing`: removed before it ended), else its state now.
   */
  dependencies?: DependencyInfo[];
  /** `ignore` when the job runs even if a dependency fails (`onDependencyFailure`). */
  onDependencyFailure?: 'fail' | 'ignore';
}

/** One dependency of a job, as the admin shows it. */
export interface DependencyInfo {
  queue: string;
  id: string;
  state: JobState | 'missing';
  /** True once its end was handed over to the dependent (its result, if any, is kept there). */
  handedOver: boolean;
  /** Its result as handed over (completed). */
  result?: unknown;
}

export interface QueueInfo {
  name: string;
  paused: boolean;
  counts: JobCounts;
}

export interface ScheduleInfo {
  name: string;
  queue: string;
  /** `code`: a `@Cron`/`@Every` method; `runtime`: created by `Producer.schedule`, stored in the driver. */
  source: 'code' | 'runtime';
  /** Stored name of the job each tick enqueues (a code schedule's is its own name). */
  job: string;
  /** Runtime schedules: the payload of each tick. */
  payload?: unknown;
  /** Runtime schedules this process does not run, and why (e.g. its job is no longer a @Job of this app). */
  problem?: string;
  /** Cron expression (`@Cron`, `{ cron }`) … */
  expression?: string;
  /** … or interval in ms (`@Every`, `{ every }`). */
  every?: number;
  timezone?: string;
  paused: boolean;
  nextRunAt: Date;
  /** Tick of the last run this schedule enqueued. */
  lastRunAt?: Date;
  /** Outcome so far of that run: its job's state, `missing` once removed (e.g. `removeOnComplete`). */
  lastRunState?: JobState | 'missing';
  /** A later tick skipped because that run was unfinished (`overlap: false`). */
  lastSkippedAt?: Date;
}
