import type { DependencyOutcome } from '../driver/dependency-port.js';

/**
 * Why a job enqueued with `dependsOn` ended dead without running: a dependency did not complete (it ended
 * dead, cancelled or expired, or was removed) and `onDependencyFailure` was `fail`. `JobHandle.result()`
 * rejects with a JobFailedError whose error carries this name and message.
 */
export class DependencyFailedError extends Error {
  override readonly name = 'DependencyFailedError';

  constructor(readonly dependencyQueue: string, readonly dependencyId: string, readonly outcome: DependencyOutcome) {
    super(DependencyFailedError.messageFor(dependencyQueue, dependencyId, outcome));
  }

  /** The message every driver stores on the dependent (the Redis and PostgreSQL drivers build the same text). */
  static messageFor(queue: string, id: string, outcome: DependencyOutcome): string {
    const how = outcome === 'missing' ? 'was removed before it ended' : `ended ${outcome}`;
    return `dependency ${id} in queue "${queue}" ${how}`;
  }
}
