import type { NewJob } from '@nest-jobs/core/driver';

/** A committed outbox row as the relay reads it. */
export interface OutboxRow {
  seq: string;
  job: NewJob;
}

const refKey = (queue: string, id: string): string => `${queue}\u0000${id}`;

/**
 * Splits a batch, in order, into the enqueue calls that push it: a job that
 * depends on a job earlier in the batch goes in a later call than that job.
 * A driver accepts a dependency only once it exists (MissingDependencyError
 * otherwise), and an app that enqueues an order's job and a job `dependsOn` it
 * in one transaction writes both into the same batch.
 */
export function outboxWaves(rows: OutboxRow[]): OutboxRow[][] {
  const waves: OutboxRow[][] = [];
  let wave: OutboxRow[] = [];
  let inWave = new Set<string>();
  for (const row of rows) {
    if (row.job.dependsOn?.some((ref) => inWave.has(refKey(ref.queue, ref.id)))) {
      waves.push(wave);
      wave = [];
      inWave = new Set();
    }
    wave.push(row);
    inWave.add(refKey(row.job.queue, row.job.id));
  }
  if (wave.length > 0) waves.push(wave);
  return waves;
}

/**
 * The job a driver refused for good, if that is what `error` is: a dependency
 * that does not exist will not appear by retrying (a dependency must exist
 * before its dependent; the relay pushes in commit order). Matched by name, so a
 * second copy of core in node_modules still counts.
 */
export function refusedJobId(error: unknown): string | undefined {
  const refusal = error as { name?: unknown; jobId?: unknown } | null;
  return refusal?.name === 'MissingDependencyError' && typeof refusal.jobId === 'string' ? refusal.jobId : undefined;
}
