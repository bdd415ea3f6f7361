import type { DependencyOutcome, DependencyStatus } from '../dependency-port.js';
import type { JobRef, JobState, NewJob } from '../job-record.js';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';
import type { StoredJob } from './stored-job.js';

const ENDED: Partial<Record<JobState, DependencyOutcome>> = { completed: 'completed', dead: 'dead', cancelled: 'cancelled', expired: 'expired' };

/** What a blocked job's dependencies came to: ready to run, or failed by one of them. */
export type Resolution = { kind: 'ready' } | { kind: 'failed'; dependency: DependencyStatus & { outcome: DependencyOutcome } };

interface Waiting {
  statuses: DependencyStatus[];
  left: number;
  ignoreFailures: boolean;
}

const keyOf = (queue: string, id: string): string => `${queue}\u0000${id}`;

/**
 * Job dependencies of a MemoryDriver: per dependent what each dependency ended as (results copied
 * when it ends), per unfinished dependency who waits for it. The driver moves the jobs.
 */
export class MemoryDependencies {
  private readonly waits = new Map<string, Waiting>();
  private readonly dependents = new Map<string, Array<{ queue: string; id: string; index: number }>>();

  constructor(private readonly lookup: (queue: string, id: string) => StoredJob | undefined) {}

  /** Refuses a batch naming a dependency that does not exist, before anything is written. */
  checkExist(jobs: NewJob[]): void {
    for (const job of jobs) {
      if (this.lookup(job.queue, job.id)) continue;
      const missing = job.dependsOn?.find((ref) => !this.lookup(ref.queue, ref.id));
      if (missing) throw new MissingDependencyError(job.id, missing.queue, missing.id);
    }
  }

  /** A blocked job just stored: records its dependencies; those ended already count at once. */
  register(job: StoredJob): Resolution | undefined {
    const refs = job.dependsOn ?? [];
    const waiting: Waiting = { statuses: refs.map((ref) => ({ ...ref })), left: refs.length, ignoreFailures: job.onDependencyFailure === 'ignore' };
    this.waits.set(keyOf(job.queue, job.id), waiting);
    let resolution: Resolution | undefined;
    refs.forEach((ref, index) => {
      const dependency = this.lookup(ref.queue, ref.id);
      const outcome = dependency ? ENDED[dependency.state] : 'missing';
      if (outcome) resolution ??= this.settle(waiting, index, outcome, dependency?.result);
      else this.dependentsOf(ref).push({ queue: job.queue, id: job.id, index });
    });
    return resolution;
  }

  /** A job ended (or was removed unfinished: `missing`): its dependents that are still blocked and now resolved. */
  ended(job: JobRef & { result?: string }, outcome: DependencyOutcome): Array<{ dependent: StoredJob; resolution: Resolution }> {
    const key = keyOf(job.queue, job.id);
    const waiters = this.dependents.get(key);
    if (!waiters) return [];
    this.dependents.delete(key);
    const resolved: Array<{ dependent: StoredJob; resolution: Resolution }> = [];
    for (const waiter of waiters) {
      const waiting = this.waits.get(keyOf(waiter.queue, waiter.id));
      const dependent = this.lookup(waiter.queue, waiter.id);
      if (!waiting || dependent?.state !== 'blocked') continue;
      const resolution = this.settle(waiting, waiter.index, outcome, job.result);
      if (resolution) resolved.push({ dependent, resolution });
    }
    return resolved;
  }

  /** Null for a job gone (a removed or trimmed job's record is dropped here on the next read). */
  statuses(queue: string, id: string): DependencyStatus[] | null {
    if (!this.lookup(queue, id)) {
      this.forget(queue, id);
      return null;
    }
    const waiting = this.waits.get(keyOf(queue, id));
    return waiting ? waiting.statuses.map((status) => ({ ...status })) : null;
  }

  forget(queue: string, id: string): void {
    this.waits.delete(keyOf(queue, id));
  }

  /** Records one dependency's end (once); the resolution when it decides the dependent. */
  private settle(waiting: Waiting, index: number, outcome: DependencyOutcome, result: string | undefined): Resolution | undefined {
    const status = waiting.statuses[index]!;
    if (status.outcome !== undefined) return undefined;
    status.outcome = outcome;
    if (outcome === 'completed' && result !== undefined && result !== 'null') status.result = result;
    waiting.left--;
    if (outcome !== 'completed' && !waiting.ignoreFailures) {
      waiting.left = -1;
      return { kind: 'failed', dependency: { ...status, outcome } };
    }
    return waiting.left === 0 ? { kind: 'ready' } : undefined;
  }

  private dependentsOf(ref: JobRef): Array<{ queue: string; id: string; index: number }> {
    const key = keyOf(ref.queue, ref.id);
    let list = this.dependents.get(key);
    if (!list) this.dependents.set(key, (list = []));
    return list;
  }
}
