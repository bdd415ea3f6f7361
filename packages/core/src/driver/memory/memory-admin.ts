import type { CancelOutcome, JobCounts, JobRecord, JobState } from '../job-record.js';
import type { FlowStatus, ListOptions } from '../queue-driver.interface.js';
import type { MemoryLifecycle } from './memory-lifecycle.js';
import type { MemoryQueue } from './memory-queue.js';
import type { MemoryWakeups } from './memory-wakeups.js';
import { toRecord } from './stored-job.js';

/** Job states a cancel or remove still has to stop. */
export const UNFINISHED: ReadonlySet<JobState> = new Set(['blocked', 'waiting', 'delayed', 'active']);

/** What MemoryAdmin uses of MemoryDriver's state. */
export interface MemoryAdminContext {
  /** The queue's state, created on first use. */
  queue(name: string): MemoryQueue;
  /** The queue's state if it exists (a read creates none). */
  existing(name: string): MemoryQueue | undefined;
  readonly knownQueues: ReadonlySet<string>;
  readonly lifecycle: MemoryLifecycle;
  readonly wakeups: MemoryWakeups;
  now(): number;
  /** An active job was cancelled: its worker hears of it. */
  cancelledActive(queue: string, id: string): void;
}

/** MemoryDriver's operator side: reads, retries, removals, cancel, pause and flow status. */
export class MemoryAdmin {
  constructor(private readonly context: MemoryAdminContext) {}

  getJob(queueName: string, id: string): Promise<JobRecord | null> {
    const job = this.context.existing(queueName)?.get(id);
    return Promise.resolve(job ? toRecord(job) : null);
  }

  counts(queueName: string): Promise<JobCounts> {
    return Promise.resolve(this.context.queue(queueName).counts());
  }

  list(queueName: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const jobs = this.context.queue(queueName).inState(state);
    return Promise.resolve(jobs.slice(options.offset, options.offset + options.limit).map(toRecord));
  }

  queues(): Promise<string[]> {
    return Promise.resolve([...this.context.knownQueues].sort());
  }

  retry(queueName: string, id: string): Promise<boolean> {
    const queue = this.context.queue(queueName);
    const job = queue.get(id);
    if (job?.state !== 'dead') return Promise.resolve(false);
    this.context.lifecycle.revive(queue, job);
    return Promise.resolve(true);
  }

  retryAllDead(queueName: string): Promise<number> {
    const queue = this.context.queue(queueName);
    // Oldest death first, so jobs run again in the order they died.
    const dead = queue.inState('dead').reverse();
    for (const job of dead) this.context.lifecycle.revive(queue, job);
    return Promise.resolve(dead.length);
  }

  removeAllDead(queueName: string): Promise<number> {
    const queue = this.context.queue(queueName);
    const dead = queue.inState('dead');
    for (const job of dead) queue.delete(job);
    return Promise.resolve(dead.length);
  }

  cancel(queueName: string, id: string, reason?: string): Promise<CancelOutcome> {
    const queue = this.context.queue(queueName);
    const job = queue.get(id);
    if (!job) return Promise.resolve('missing');
    if (!UNFINISHED.has(job.state)) return Promise.resolve('finished');
    const wasActive = job.state === 'active';
    this.context.lifecycle.cancel(queue, job, reason);
    // As another process would hear it: after this call returns.
    if (wasActive) queueMicrotask(() => this.context.cancelledActive(queueName, id));
    return Promise.resolve('cancelled');
  }

  remove(queueName: string, id: string): Promise<boolean> {
    const queue = this.context.queue(queueName);
    const job = queue.get(id);
    if (job) this.context.lifecycle.remove(queue, job, UNFINISHED.has(job.state));
    return Promise.resolve(job !== undefined);
  }

  pause(queueName: string): Promise<void> {
    return Promise.resolve(void (this.context.queue(queueName).paused = true));
  }

  resume(queueName: string): Promise<void> {
    this.context.queue(queueName).paused = false;
    return Promise.resolve(this.context.wakeups.notify(queueName));
  }

  isPaused(queueName: string): Promise<boolean> {
    return Promise.resolve(this.context.existing(queueName)?.paused ?? false);
  }

  flowStatus(queueName: string, laneLimit: number): Promise<FlowStatus> {
    return Promise.resolve(this.context.queue(queueName).flow.status(this.context.now(), laneLimit));
  }
}
