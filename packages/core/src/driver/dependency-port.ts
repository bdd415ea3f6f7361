import type { JobRef } from './job-record.js';

/** How a dependency ended, as handed over to the job waiting for it. */
export type DependencyOutcome = 'completed' | 'dead' | 'cancelled' | 'expired' | 'missing';

/** One dependency of a job and what its dependent knows of its end. */
export interface DependencyStatus extends JobRef {
  /** Absent while it has not ended (or its end is not handed over yet). `missing`: it was removed unfinished. */
  outcome?: DependencyOutcome;
  /** JSON text of its result (completed and not null), copied at hand-over, so removing it later loses nothing. */
  result?: string;
}

/**
 * Reads the dependencies of a job enqueued with `dependsOn` (the worker's `ctx.dependencies()`, the admin's
 * job page). Drivers hand a dependency's end over to each dependent idempotently: a `blocked` job becomes
 * waiting (or delayed) once all ended, or dead with a DependencyFailedError when one did not complete and
 * its `onDependencyFailure` is `fail`.
 */
export interface DependencyPort {
  /** The job's dependencies in `dependsOn` order; null when there is no such job or it has none. */
  dependencies(queue: string, id: string): Promise<DependencyStatus[] | null>;
}
