import { MissingDependencyError } from '@nest-jobs/core/driver';

/** SQLSTATE the enqueue function raises for a dependency that does not exist (schema version 3). */
const MISSING_DEPENDENCY = 'NJ001';

/** The enqueue function's refusal of a missing dependency as MissingDependencyError; other errors as they are. */
export function explainEnqueueError(error: unknown): never {
  const { code, detail } = (error ?? {}) as { code?: string; detail?: string };
  if (code === MISSING_DEPENDENCY && detail) {
    const [jobId, queue, id] = JSON.parse(detail) as [string, string, string];
    throw new MissingDependencyError(jobId, queue, id);
  }
  throw error;
}
