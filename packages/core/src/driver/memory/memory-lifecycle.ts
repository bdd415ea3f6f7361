import type { DriverEvent } from '../driver-event.js';
import type { EnqueueResult, JobError, LeasedJob, NewJob } from '../job-record.js';
import { DependencyFailedError } from '../../errors/dependency-failed.error.js';
import type { DependencyOutcome } from '../dependency-port.js';
import type { MemoryDependencies, Resolution } from './memory-dependencies.js';
import type { MemoryEventBus } from './memory-event-bus.js';
import type { MemoryQueue } from './memory-queue.js';
import type { MemoryWakeups } from './memory-wakeups.js';
import { leaseExpiredError, type StoredJob, toLeased } from './stored-job.js';

/** Most expired leases one fetch recovers, so a fetch never does unbounded work (Redis bounds it alike). */
const RECOVERY_BATCH = 1_000;

/**
 * The job state transitions of a MemoryDriver, each with its event and its
 * wake-up. The driver checks leases and looks jobs up; this moves them.
 */
export class MemoryLifecycle {
  private tokens = 0;

  constructor(
    private readonly events: MemoryEventBus,
    private readonly wakeups: MemoryWakeups,
    private readonly now: () => number,
    private readonly maxErrorsKept: number,
    private readonly dependencies: MemoryDependencies,
    private readonly queueOf: (name: string) => MemoryQueue,
  ) {}

  enqueue(queue: MemoryQueue, input: NewJob): EnqueueResult {
    const existing = queue.get(input.id);
    if (existing) return { id: existing.id, created: false, state: existing.state };
    const { dedupe, ...fields } = input;
    if (dedupe) {
      const holder = this.dedupeHolder(queue, input, dedupe);
      if (holder) return holder;
    }
    const job: StoredJob = { ...fields, state: 'waiting', attempt: 0, errors: [], seq: 0 };
    if (job.dependsOn?.length) {
      queue.place(job, 'blocked');
      this.emit(job, 'enqueued');
      this.emit(job, 'blocked');
      const resolution = this.dependencies.register(job);
      if (resolution) this.resolve(queue, job, resolution);
      return { id: job.id, created: true, state: job.state };
    }
    queue.place(job, input.runAt > this.now() ? 'delayed' : 'waiting');
    this.emit(job, 'enqueued');
    this.wakeups.notify(queue.name);
    return { id: job.id, created: true, state: job.state };
  }

  /**
   * A job ended, or (`missing`) was removed before it ended: hands that over to the jobs blocked on it,
   * which run, or die in turn (so a failure runs down a chain).
   */
  ended(job: StoredJob, outcome: DependencyOutcome): void {
    for (const { dependent, resolution } of this.dependencies.ended(job, outcome)) this.resolve(this.queueOf(dependent.queue), dependent, resolution);
  }

  /** Removes a job; one that had not ended fails the jobs blocked on it (`missing`). */
  remove(queue: MemoryQueue, job: StoredJob, unfinished: boolean): void {
    queue.delete(job);
    this.dependencies.forget(job.queue, job.id);
    if (unfinished) this.ended(job, 'missing');
  }

  /** A blocked job whose dependencies decided it: waiting (or delayed), or dead naming the failed dependency. */
  private resolve(queue: MemoryQueue, job: StoredJob, resolution: Resolution): void {
    const now = this.now();
    if (resolution.kind === 'failed') {
      const { queue: depQueue, id, outcome } = resolution.dependency;
      const message = DependencyFailedError.messageFor(depQueue, id, outcome);
      const error = this.recordError(job, { name: 'DependencyFailedError', message, attempt: job.attempt, at: now });
      return this.bury(queue, job, error, now);
    }
    queue.place(job, job.runAt > now ? 'delayed' : 'waiting');
    this.emit(job, 'unblocked');
    this.wakeups.notify(queue.name);
  }

  /** Moves due delayed jobs to waiting and recovers expired leases; `fetch` does this first. */
  housekeep(queue: MemoryQueue, now: number): void {
    for (let job = queue.takeDue(now); job; job = queue.takeDue(now)) queue.place(job, 'waiting');
    for (let recovered = 0, job = queue.takeExpired(now); job; job = ++recovered < RECOVERY_BATCH ? queue.takeExpired(now) : undefined) {
      const error = this.recordError(job, leaseExpiredError(job.attempt, now));
      this.emit(job, 'failed', { error });
      if (job.attempt >= job.maxAttempts) this.bury(queue, job, error, now);
      else this.retry(queue, job, now, now);
    }
  }

  /**
   * Within a dedupe window: the job holding the key, as the enqueue's result (a debounce
   * moves its start and takes the new payload while it has not started). Outside: takes the key.
   */
  private dedupeHolder(queue: MemoryQueue, input: NewJob, dedupe: NonNullable<NewJob['dedupe']>): EnqueueResult | undefined {
    const now = this.now();
    const key = `${input.name}\u0000${dedupe.key}`;
    const held = queue.dedupes.get(key);
    const holder = held && held.until > now ? queue.get(held.id) : undefined;
    if (holder && dedupe.mode === 'throttle') return { id: holder.id, created: false, state: holder.state };
    if (holder && holder.state === 'delayed') {
      holder.payload = input.payload;
      holder.runAt = Math.min(now + dedupe.ttlMs, holder.enqueuedAt + (dedupe.maxWaitMs ?? Infinity));
      queue.place(holder, 'delayed');
      held!.until = now + dedupe.ttlMs;
      return { id: holder.id, created: false, state: holder.state };
    }
    queue.dedupes.set(key, { id: input.id, until: now + dedupe.ttlMs });
    // Windows that ended are dropped now and then, not per enqueue.
    if (queue.dedupes.size > 10_000) for (const [old, entry] of queue.dedupes) if (entry.until <= now) queue.dedupes.delete(old);
    return undefined;
  }

  /**
   * Leases the next job to start: a try counted, a fresh token. A job past its `expireAt`
   * ends expired on the way. None: `blockedUntil` from the lanes.
   */
  start(queue: MemoryQueue, leaseMs: number, now: number): { job?: LeasedJob; blockedUntil?: number } {
    let next = queue.takeNext(now);
    while (next.job?.expireAt !== undefined && next.job.expireAt <= now) {
      next.job.finishedAt = now;
      queue.place(next.job, 'expired');
      this.emit(next.job, 'expired');
      this.ended(next.job, 'expired');
      next = queue.takeNext(now);
    }
    const job = next.job;
    if (!job) return { blockedUntil: next.blockedUntil };
    job.attempt++;
    job.startedAt = now;
    queue.place(job, 'active');
    if (job.limited || job.group !== undefined) queue.flow.started(job, now);
    const token = `${++this.tokens}`;
    const leaseUntil = now + leaseMs;
    queue.lease(job, leaseUntil, token);
    this.emit(job, 'active');
    return { job: toLeased({ ...job, token, leaseUntil }) };
  }

  complete(queue: MemoryQueue, job: StoredJob, result: string): void {
    job.result = result;
    job.finishedAt = this.now();
    queue.place(job, 'completed');
    this.emit(job, 'completed', { data: result });
    this.ended(job, 'completed');
  }

  fail(queue: MemoryQueue, job: StoredJob, failure: Omit<JobError, 'at' | 'attempt'> | undefined, retryAt: number | undefined): void {
    const now = this.now();
    const error = failure && this.recordError(job, { ...copyError(failure), attempt: job.attempt, at: now });
    if (error) this.emit(job, 'failed', { error });
    if (retryAt !== undefined) this.retry(queue, job, retryAt, now);
    else this.bury(queue, job, error ?? job.errors.at(-1), now);
  }

  /** Hands a lease back: waiting at the front of its priority (place `frontSeq`), the try not counted. */
  release(queue: MemoryQueue, job: StoredJob, frontSeq: number): void {
    job.attempt = Math.max(0, job.attempt - 1);
    queue.place(job, 'waiting', frontSeq);
    this.wakeups.notify(queue.name);
  }

  /**
   * The handler reported a rate limit: the job's lane (its group's, else its name's) holds
   * until `until`; the job waits at the front of that lane, this try not counted.
   */
  rateLimited(queue: MemoryQueue, job: StoredJob, until: number, frontSeq: number): void {
    job.attempt = Math.max(0, job.attempt - 1);
    queue.flow.hold(job, until);
    job.limited = true;
    queue.place(job, 'waiting', frontSeq);
    this.emit(job, 'rate-limited', { runAt: until });
    this.wakeups.notify(queue.name);
  }

  /** Blocked, waiting, delayed or active → cancelled, the reason kept as its last error; an active job's lease is void. */
  cancel(queue: MemoryQueue, job: StoredJob, reason: string | undefined): void {
    const now = this.now();
    const error = this.recordError(job, { name: 'JobCancelledError', message: reason ?? 'cancelled', attempt: job.attempt, at: now });
    job.finishedAt = now;
    queue.place(job, 'cancelled');
    this.emit(job, 'cancelled', { error });
    this.ended(job, 'cancelled');
  }

  progress(job: StoredJob, progress: string): void {
    job.progress = progress;
    this.emit(job, 'progress', { data: progress });
  }

  /** A dead job back to waiting with fresh tries; its errors stay. */
  revive(queue: MemoryQueue, job: StoredJob): void {
    job.attempt = 0;
    job.runAt = this.now();
    delete job.finishedAt;
    queue.place(job, 'waiting');
    this.emit(job, 'enqueued');
    this.wakeups.notify(queue.name);
  }

  private retry(queue: MemoryQueue, job: StoredJob, runAt: number, now: number): void {
    job.runAt = runAt;
    queue.place(job, runAt > now ? 'delayed' : 'waiting');
    this.emit(job, 'retrying', { runAt });
    this.wakeups.notify(queue.name);
  }

  private bury(queue: MemoryQueue, job: StoredJob, error: JobError | undefined, now: number): void {
    job.finishedAt = now;
    queue.place(job, 'dead');
    this.emit(job, 'dead', error ? { error } : {});
    this.ended(job, 'dead');
  }

  private recordError(job: StoredJob, error: JobError): JobError {
    job.errors.push(error);
    if (job.errors.length > this.maxErrorsKept) job.errors.splice(0, job.errors.length - this.maxErrorsKept);
    return { ...error };
  }

  private emit(job: StoredJob, type: DriverEvent['type'], extra: Partial<DriverEvent> = {}): void {
    this.events.emit({ type, queue: job.queue, name: job.name, id: job.id, attempt: job.attempt, at: this.now(), ...extra });
  }
}

/** Only the documented fields, without undefined keys, as a JSON round trip through Redis would leave them. */
function copyError(error: Omit<JobError, 'at' | 'attempt'>): Omit<JobError, 'at' | 'attempt'> {
  return {
    message: error.message,
    ...(error.name !== undefined && { name: error.name }),
    ...(error.stack !== undefined && { stack: error.stack }),
  };
}
