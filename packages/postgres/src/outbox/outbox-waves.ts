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
 * The row of `rows` a driver refused for good, if that is what `error` says: a
 * dependency that does not exist will not appear by retrying (a dependency must
 * exist before its dependent; the relay pushes in commit order). The error is
 * matched by name, so a second copy of core in node_modules still counts, and the
 * row by its id and that dependency, since ids are unique only per queue.
 */
export function refusedRow(rows: OutboxRow[], error: unknown): OutboxRow | undefined {
  const refusal = error as { name?: unknown; jobId?: unknown; dependencyQueue?: unknown; dependencyId?: unknown } | null;
  if (refusal?.name !== 'MissingDependencyError') return undefined;
  return rows.find((row) => row.job.id === refusal.jobId
    && row.job.dependsOn?.some((ref) => ref.queue === refusal.dependencyQueue && ref.id === refusal.dependencyId));
}
