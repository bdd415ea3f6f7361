import { appendFileSync } from 'node:fs';

/** One row of the fault summary printed by `npm run test:faults`. */
export interface FaultResult {
  fault: string;
  runs: number;
  jobs: number;
  lost: number;
  duplicates: number;
  /** Longest time from the fault to work resuming, ms. */
  recoveryMs?: number;
  note?: string;
}

/** Appends a row to the file named by FAULTS_RESULTS (set by the fault runner); a no-op otherwise. */
export function recordFault(result: FaultResult): void {
  const file = process.env.FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
}
