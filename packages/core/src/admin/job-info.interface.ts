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
  lastRunAt?: Date;
  /** State of the last tick's job, `missing` when it was removed. */
  lastRunState?: JobState | 'missing';
}
