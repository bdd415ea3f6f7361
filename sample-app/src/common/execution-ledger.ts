import { appendFileSync } from 'node:fs';
import type { JobContext } from '@nest-jobs/core';

/**
 * Test hook, off unless `JOBS_LEDGER_FILE` is set: appends one line when a
 * handler starts and one when it finishes, `start|done <jobId> <attempt> <epochMs>`.
 * The multi-process tests (test/src/multiprocess) give each process its own
 * file and prove "each job ran once" from this record, kept outside Redis,
 * instead of trusting the queue's own counts.
 */
export function recordExecution(phase: 'start' | 'done', ctx: JobContext): void {
  const file = process.env.JOBS_LEDGER_FILE;
  if (file) appendFileSync(file, `${phase} ${ctx.id} ${ctx.attempt} ${Date.now()}\n`);
}
