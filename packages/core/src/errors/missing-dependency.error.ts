/**
 * Enqueue with `dependsOn` naming a job that does not exist: nothing of that enqueue call is written.
 * (A dependency must exist before its dependent is enqueued, so dependencies can never form a cycle.)
 */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';

  constructor(readonly jobId: string, readonly dependencyQueue: string, readonly dependencyId: string) {
    super(`Enqueue of job ${jobId}: dependency ${dependencyId} in queue "${dependencyQueue}" does not exist (dependencies must be enqueued first); no job of this call was written.`);
  }
}
