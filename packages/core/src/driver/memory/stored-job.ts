import type { JobError, JobRecord, LeasedJob } from '../job-record.js';

/** A job as the memory driver holds it: the record plus what only the driver sees. */
export interface StoredJob extends JobRecord {
  /** Place in the FIFO among equal priorities; fresh on each entry into waiting, except a release. */
  seq: number;
  token?: string;
  leaseUntil?: number;
  /** Waiting in a flow-control lane, not the queue's shared order. */
  inLane?: boolean;
}

/** A detached copy without driver internals, so callers can't mutate stored state. */
export function toRecord(job: StoredJob): JobRecord {
  const { seq: _seq, token: _token, leaseUntil: _leaseUntil, inLane: _inLane, ...record } = job;
  const copy: JobRecord = { ...record, errors: record.errors.map((error) => ({ ...error })) };
  if (record.trace) copy.trace = { ...record.trace };
  return copy;
}

export function toLeased(job: StoredJob & { token: string; leaseUntil: number }): LeasedJob {
  return { ...toRecord(job), token: job.token, leaseUntil: job.leaseUntil };
}

/** The error recorded when a lease runs out; every driver records the same. */
export function leaseExpiredError(attempt: number, at: number): JobError {
  return { name: 'LeaseExpiredError', message: 'lease expired', attempt, at };
}
