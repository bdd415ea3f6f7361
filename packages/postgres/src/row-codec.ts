import type { JobError, JobRecord, JobState, LeasedJob, NewJob, TraceCarrier } from '@nest-jobs/core/driver';

/** A row of the jobs table as node-postgres returns it (bigint columns arrive as text). */
export interface JobRow {
  queue: string;
  id: string;
  name: string;
  payload: string;
  priority: number;
  max_attempts: number;
  run_at: string;
  enqueued_at: string;
  scheduled_for: string | null;
  state: JobState;
  attempt: number;
  started_at: string | null;
  finished_at: string | null;
  progress: string | null;
  result: string | null;
  errors: JobError[];
  token: string | null;
  lease_until: string | null;
  /** In a lane (flow control): `lane IS NOT NULL`. */
  limited: boolean;
  grp: string | null;
  expire_at: string | null;
  trace: TraceCarrier | null;
  /** 'fail' or 'ignore' for a job enqueued with dependencies, else null. */
  dep_mode: string | null;
}

/** The columns a record is read from, in SELECT lists. */
export const JOB_COLUMNS = 'queue, id, name, payload, priority, max_attempts, run_at, enqueued_at, scheduled_for, state, attempt, started_at, finished_at, progress, result, errors, token, lease_until, lane IS NOT NULL AS limited, grp, expire_at, trace, dep_mode';

export function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    payload: row.payload,
    priority: row.priority,
    maxAttempts: row.max_attempts,
    runAt: Number(row.run_at),
    enqueuedAt: Number(row.enqueued_at),
    ...(row.scheduled_for !== null && { scheduledFor: Number(row.scheduled_for) }),
    ...(row.limited && { limited: true }),
    ...(row.grp !== null && { group: row.grp }),
    ...(row.expire_at !== null && { expireAt: Number(row.expire_at) }),
    ...(row.trace !== null && { trace: row.trace }),
    // Its refs come from the dependencies table: reads that show them fill them in.
    ...(row.dep_mode !== null && { dependsOn: [] }),
    ...(row.dep_mode === 'ignore' && { onDependencyFailure: 'ignore' as const }),
    state: row.state,
    attempt: row.attempt,
    ...(row.started_at !== null && { startedAt: Number(row.started_at) }),
    ...(row.finished_at !== null && { finishedAt: Number(row.finished_at) }),
    ...(row.progress !== null && { progress: row.progress }),
    ...(row.result !== null && { result: row.result }),
    errors: row.errors,
  };
}

export function toLeased(row: JobRow): LeasedJob {
  return { ...toRecord(row), token: row.token!, leaseUntil: Number(row.lease_until) };
}

/** A job as the enqueue function reads it (JSON; undefined fields left out). */
export function jobsParameter(jobs: readonly NewJob[]): string {
  return JSON.stringify(jobs.map((job) => ({
    id: job.id, queue: job.queue, name: job.name, payload: job.payload, priority: job.priority,
    maxAttempts: job.maxAttempts, runAt: job.runAt, enqueuedAt: job.enqueuedAt, scheduledFor: job.scheduledFor,
    limited: job.limited, group: job.group, expireAt: job.expireAt, dedupe: job.dedupe, trace: job.trace,
    dependsOn: job.dependsOn, onDependencyFailure: job.onDependencyFailure,
  })));
}
