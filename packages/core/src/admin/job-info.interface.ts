import type { JobError, JobState } from '../driver/job-record.js';

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
  /** Failed tries, oldest first. */
  errors: JobError[];
}

export interface QueueInfo {
  name: string;
  paused: boolean;
  counts: { waiting: number; delayed: number; active: number; completed: number; dead: number };
}

export interface ScheduleInfo {
  name: string;
  queue: string;
  /** Cron expression (`@Cron`) … */
  expression?: string;
  /** … or interval in ms (`@Every`). */
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
