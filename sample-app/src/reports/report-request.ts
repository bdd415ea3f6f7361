import { InvalidBodyError } from '../common/body.pipe.js';

/** Payload of `ReportJobs.generate`. */
export interface ReportRequest {
  rows: number;
  /** Demo hook: the job throws UnrecoverableJobError and goes straight to dead. */
  fail?: boolean;
}

export interface ReportFile {
  path: string;
  rows: number;
}

export const MAX_REPORT_ROWS = 100_000;

export function parseReportRequest(body: Record<string, unknown>): ReportRequest {
  const { rows = 100, fail = false } = body;
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > MAX_REPORT_ROWS) {
    throw new InvalidBodyError(`rows must be an integer from 1 to ${MAX_REPORT_ROWS} (got ${JSON.stringify(rows)}).`);
  }
  if (typeof fail !== 'boolean') throw new InvalidBodyError(`fail must be a boolean (got ${JSON.stringify(fail)}).`);
  return fail ? { rows, fail } : { rows };
}
