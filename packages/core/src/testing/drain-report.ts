import type { JobReader } from '../driver/driver-ports.js';
import type { JobErrorInfo } from '../admin/job-info.interface.js';
import { toJobErrorInfo } from '../admin/job-info.mapper.js';
import type { LeasedJob } from '../driver/job-record.js';
import { fromJsonOrRaw } from '../serialization/json.js';

/** One try that ran during `drain()` or `advance()`, and how it ended. */
export interface JobRun {
  id: string;
  name: string;
  queue: string;
  /** 1-based try. */
  attempt: number;
  /** `retrying`: it failed and has tries left (it is delayed or waiting again). */
  outcome: 'completed' | 'retrying' | 'dead';
  /** Completed: what the handler returned, after the JSON round trip (absent when removeOnComplete dropped it). */
  result?: unknown;
  /** Retrying or dead: the error of this try. */
  error?: JobErrorInfo;
  /** When it ran, on the tester's clock. */
  at: Date;
}

/** What one `drain()` or `advance()` ran. */
export interface DrainReport {
  /** Every try, in the order they were leased. */
  runs: JobRun[];
  completed: JobRun[];
  /** Tries that failed: retrying and dead. */
  failed: JobRun[];
  dead: JobRun[];
}

export function emptyReport(): DrainReport {
  return { runs: [], completed: [], failed: [], dead: [] };
}

/** Reads back how each leased try ended and adds it to `report`. */
export async function recordRuns(report: DrainReport, leased: LeasedJob[], reader: JobReader, at: number): Promise<void> {
  for (const job of leased) {
    const record = await reader.getJob(job.queue, job.id);
    const base = { id: job.id, name: job.name, queue: job.queue, attempt: job.attempt, at: new Date(at) };
    // Gone after it ran: removeOnComplete dropped it (a removal by hand during the run is indistinguishable).
    if (record === null || record.state === 'completed') {
      const run: JobRun = { ...base, outcome: 'completed' };
      if (record?.result !== undefined) run.result = fromJsonOrRaw(record.result);
      report.runs.push(run);
      report.completed.push(run);
      continue;
    }
    const error = record.errors.findLast((entry) => entry.attempt === job.attempt);
    const run: JobRun = { ...base, outcome: record.state === 'dead' ? 'dead' : 'retrying', ...(error ? { error: toJobErrorInfo(error) } : {}) };
    report.runs.push(run);
    report.failed.push(run);
    if (run.outcome === 'dead') report.dead.push(run);
  }
}
