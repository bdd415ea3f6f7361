import type { DriverEvent } from '../driver-event.js';
import type {
  EnqueueResult, JobCounts, JobError, JobRecord, JobState, LeasedJob, LeaseOutcome, NewJob,
} from '../job-record.js';
import type {
  CompleteItem, FailItem, FetchOptions, LeaseRef, ListOptions, QueueDriver, ScheduleRef, ScheduleState, TickOutcome, TickRequest,
} from '../queue-driver.interface.js';
import { MemoryQueue, type StoredJob } from './memory-queue.js';
import { MemorySignals } from './memory-signals.js';
import { applyRetention, leaseExpiredError } from './memory-rules.js';

export interface MemoryDriverOptions {
  /** Clock in epoch ms; inject one for deterministic tests. */
  now?: () => number;
  /** Failed tries kept per job. Default 20, like the Redis driver. */
  maxErrorsKept?: number;
}

/** Expired leases recovered per fetch at most, as the Redis driver bounds it. */
const RECOVERY_BATCH = 1_000;

/**
 * The whole QueueDriver in process memory: the default for development and
 * for users' own tests. It passes the same conformance suite as RedisDriver.
 * Jobs are lost when the process exits.
 */
export class MemoryDriver implements QueueDriver {
  readonly kind = 'memory';
  private readonly queueStates = new Map<string, MemoryQueue>();
  private readonly schedules = new Map<string, ScheduleState>();
  private readonly signals = new MemorySignals();
  private readonly now: () => number;
  private readonly maxErrorsKept: number;
  private seq = 0;
  private tokens = 0;

  constructor(options: MemoryDriverOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxErrorsKept = options.maxErrorsKept ?? 20;
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.signals.close();
    return Promise.resolve();
  }

  registerQueues(queues: string[]): Promise<void> {
    queues.forEach((queue) => this.queue(queue));
    return Promise.resolve();
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    return Promise.resolve(jobs.map((job) => this.enqueueOne(job)));
  }

  fetch(queueName: string, options: FetchOptions): Promise<LeasedJob[]> {
    const queue = this.queue(queueName);
    const now = this.now();
    this.promoteDue(queue, now);
    this.recoverExpired(queue, now);
    const leased: LeasedJob[] = [];
    while (!queue.paused && leased.length < options.max) {
      const job = queue.takeWaiting();
      if (!job) break;
      job.attempt++;
      job.startedAt = now;
      queue.place(job, 'active', this.nextSeq);
      job.token = String(++this.tokens);
      job.leaseUntil = now + options.leaseMs;
      this.emit(job, 'active');
      leased.push({ ...copy(job), token: job.token, leaseUntil: job.leaseUntil });
    }
    return Promise.resolve(leased);
  }

  complete(queueName: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    const queue = this.queue(queueName);
    return Promise.resolve(items.map((item) => {
      const job = this.held(queue, item);
      if (!job) return 'lost';
      job.result = item.result;
      job.finishedAt = this.now();
      queue.place(job, 'completed', this.nextSeq);
      this.emit(job, 'completed', { data: item.result });
      applyRetention(queue, job, item.retention, job.finishedAt);
      return 'ok';
    }));
  }

  fail(queueName: string, items: FailItem[]): Promise<LeaseOutcome[]> {
    const queue = this.queue(queueName);
    return Promise.resolve(items.map((item) => {
      const job = this.held(queue, item);
      if (!job) return 'lost';
      const now = this.now();
      const error = item.error ? this.recordError(job, { ...item.error, attempt: job.attempt, at: now }) : undefined;
      if (error) this.emit(job, 'failed', { error });
      if (item.retryAt !== undefined) this.retryAt(queue, job, item.retryAt, now);
      else this.bury(queue, job, error ?? job.errors.at(-1), now);
      return 'ok';
    }));
  }

  extend(queueName: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    const queue = this.queue(queueName);
    return Promise.resolve(items.map((item) => {
      const job = this.held(queue, item);
      if (!job) return 'lost';
      job.leaseUntil = this.now() + leaseMs;
      return 'ok';
    }));
  }

  release(queueName: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    const queue = this.queue(queueName);
    return Promise.resolve(items.map((item) => {
      const job = this.held(queue, item);
      if (!job) return 'lost';
      job.attempt = Math.max(0, job.attempt - 1);
      queue.place(job, 'waiting', this.nextSeq);
      this.signals.notify(queue.name);
      return 'ok';
    }));
  }

  progress(queueName: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    const job = this.held(this.queue(queueName), item);
    if (!job) return Promise.resolve('lost');
    job.progress = progress;
    this.emit(job, 'progress', { data: progress });
    return Promise.resolve('ok');
  }

  waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    let wait = timeoutMs;
    for (const name of queues) {
      const queue = this.queue(name);
      if (!queue.paused && queue.countsCopy().waiting > 0) return Promise.resolve();
      const dueAt = queue.nextDueAt();
      if (dueAt !== undefined) wait = Math.min(wait, Math.max(0, dueAt - now));
    }
    return this.signals.wait(queues, wait, signal);
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    return this.signals.subscribe(listener);
  }

  getJob(queueName: string, id: string): Promise<JobRecord | null> {
    const job = this.queueStates.get(queueName)?.jobs.get(id);
    return Promise.resolve(job ? copy(job) : null);
  }

  counts(queueName: string): Promise<JobCounts> {
    return Promise.resolve(this.queue(queueName).countsCopy());
  }

  list(queueName: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const jobs = this.queue(queueName).inState(state);
    return Promise.resolve(jobs.slice(options.offset, options.offset + options.limit).map(copy));
  }

  queues(): Promise<string[]> {
    return Promise.resolve([...this.queueStates.keys()].sort());
  }

  retry(queueName: string, id: string): Promise<boolean> {
    const queue = this.queue(queueName);
    const job = queue.jobs.get(id);
    if (job?.state !== 'dead') return Promise.resolve(false);
    this.revive(queue, job);
    return Promise.resolve(true);
  }

  retryAllDead(queueName: string): Promise<number> {
    const queue = this.queue(queueName);
    const dead = [...queue.dead.values()];
    dead.forEach((job) => this.revive(queue, job));
    return Promise.resolve(dead.length);
  }

  remove(queueName: string, id: string): Promise<boolean> {
    const queue = this.queue(queueName);
    const job = queue.jobs.get(id);
    if (job) queue.delete(job);
    return Promise.resolve(job !== undefined);
  }

  pause(queueName: string): Promise<void> {
    this.queue(queueName).paused = true;
    return Promise.resolve();
  }

  resume(queueName: string): Promise<void> {
    this.queue(queueName).paused = false;
    this.signals.notify(queueName);
    return Promise.resolve();
  }

  isPaused(queueName: string): Promise<boolean> {
    return Promise.resolve(this.queue(queueName).paused);
  }

  enqueueTick(request: TickRequest): Promise<TickOutcome> {
    const state = this.scheduleState(request.schedule);
    if (state.paused) return Promise.resolve('paused');
    if (state.lastTickAt !== undefined && request.tickAt <= state.lastTickAt) return Promise.resolve('duplicate');
    const previous = state.lastJobId === undefined ? undefined : this.queueStates.get(request.job.queue)?.jobs.get(state.lastJobId);
    state.lastTickAt = request.tickAt;
    if (!request.overlap && previous && ['waiting', 'delayed', 'active'].includes(previous.state)) {
      return Promise.resolve('overlap');
    }
    const { created } = this.enqueueOne(request.job);
    if (!created) return Promise.resolve('duplicate');
    state.lastJobId = request.job.id;
    return Promise.resolve('enqueued');
  }

  scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> {
    const states: Record<string, ScheduleState> = {};
    for (const { name } of schedules) {
      const state = this.schedules.get(name);
      if (state) states[name] = { ...state };
    }
    return Promise.resolve(states);
  }

  setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> {
    this.scheduleState(schedule.name).paused = paused;
    return Promise.resolve();
  }

  private enqueueOne(input: NewJob): EnqueueResult {
    const queue = this.queue(input.queue);
    const existing = queue.jobs.get(input.id);
    if (existing) return { id: existing.id, created: false, state: existing.state };
    const job: StoredJob = { ...input, state: 'waiting', attempt: 0, errors: [], seq: 0 };
    const delayed = input.runAt > this.now();
    queue.place(job, delayed ? 'delayed' : 'waiting', this.nextSeq);
    this.emit(job, 'enqueued');
    this.signals.notify(queue.name);
    return { id: job.id, created: true, state: job.state };
  }

  private held(queue: MemoryQueue, ref: LeaseRef): StoredJob | undefined {
    const job = queue.active.get(ref.id);
    return job && job.token === ref.token ? job : undefined;
  }

  private promoteDue(queue: MemoryQueue, now: number): void {
    for (const job of queue.takeDue(now)) queue.place(job, 'waiting', this.nextSeq);
  }

  private recoverExpired(queue: MemoryQueue, now: number): void {
    let recovered = 0;
    for (const job of [...queue.active.values()]) {
      if (recovered >= RECOVERY_BATCH) break;
      if ((job.leaseUntil ?? Infinity) > now) continue;
      recovered++;
      const error = this.recordError(job, { ...leaseExpiredError(), attempt: job.attempt, at: now });
      this.emit(job, 'failed', { error });
      if (job.attempt >= job.maxAttempts) this.bury(queue, job, error, now);
      else this.retryAt(queue, job, now, now);
    }
  }

  private retryAt(queue: MemoryQueue, job: StoredJob, runAt: number, now: number): void {
    job.runAt = runAt;
    queue.place(job, runAt > now ? 'delayed' : 'waiting', this.nextSeq);
    this.emit(job, 'retrying', { runAt });
    this.signals.notify(queue.name);
  }

  private bury(queue: MemoryQueue, job: StoredJob, error: JobError | undefined, now: number): void {
    job.finishedAt = now;
    queue.place(job, 'dead', this.nextSeq);
    this.emit(job, 'dead', { error });
  }

  private revive(queue: MemoryQueue, job: StoredJob): void {
    job.attempt = 0;
    job.finishedAt = undefined;
    job.runAt = this.now();
    queue.place(job, 'waiting', this.nextSeq);
    this.emit(job, 'enqueued');
    this.signals.notify(queue.name);
  }

  private recordError(job: StoredJob, error: JobError): JobError {
    job.errors.push(error);
    if (job.errors.length > this.maxErrorsKept) job.errors.splice(0, job.errors.length - this.maxErrorsKept);
    return error;
  }

  private emit(job: StoredJob, type: DriverEvent['type'], extra: Partial<DriverEvent> = {}): void {
    this.signals.emit({ type, queue: job.queue, name: job.name, id: job.id, attempt: job.attempt, at: this.now(), ...extra });
  }

  private queue(name: string): MemoryQueue {
    let queue = this.queueStates.get(name);
    if (!queue) this.queueStates.set(name, (queue = new MemoryQueue(name)));
    return queue;
  }

  private scheduleState(name: string): ScheduleState {
    let state = this.schedules.get(name);
    if (!state) this.schedules.set(name, (state = { paused: false }));
    return state;
  }

  private readonly nextSeq = (): number => ++this.seq;
}

/** A detached copy without driver internals, so callers can't mutate stored state. */
function copy(job: StoredJob): JobRecord {
  const { seq: _seq, token: _token, leaseUntil: _leaseUntil, ...record } = job;
  return { ...record, errors: record.errors.map((error) => ({ ...error })) };
}
