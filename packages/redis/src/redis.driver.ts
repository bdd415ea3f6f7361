import type { CompleteItem, DriverEvent, EnqueueResult, FailItem, FetchOptions, JobCounts, JobRecord, JobState, LeasedJob, LeaseOutcome, LeaseRef, ListOptions, NewJob, QueueDriver, ScheduleRef, ScheduleState, TickOutcome, TickRequest } from '@nest-jobs/core/driver';
import { randomBytes } from 'node:crypto';
import { decodeLeased } from './codec.js';
import { createClient, describeTarget, whenReady, type AnyClient, type RedisConnectionOptions } from './connection.js';
import { EnqueueCoalescer } from './enqueue-coalescer.js';
import { EnqueueSender, enqueueOf, jobArgs } from './enqueue-sender.js';
import { EventReader } from './event-reader.js';
import { KeyDiagnosis, jobKeys, type ExtraKey } from './key-diagnosis.js';
import { KeySchema } from './keys.js';
import { RedisAdmin } from './redis-admin.js';
import { checkServer, type DriverLogger } from './server-check.js';
import { defineScripts, scriptsOf, type ScriptCommands } from './scripts.js';
import { QueueRegistry } from './queue-registry.js';
import { unreachable } from './redis-unavailable.error.js';
import { WakeSubscriber } from './wake-subscriber.js';
import { WakeWaiter } from './wake-waiter.js';

export interface RedisDriverOptions extends RedisConnectionOptions {
  /** Namespace of every key, so several apps can share one Redis. Default `nj`. */
  prefix?: string;
  /** Where warnings go (e.g. a maxmemory-policy that may evict jobs). Default console. */
  logger?: DriverLogger;
}

/** Jobs promoted from delayed, or recovered from expired leases, per fetch at most. */
const FETCH_MAINTENANCE_BOUND = 1_000;

/**
 * The production QueueDriver on Redis (standalone, Sentinel or Cluster, via
 * ioredis). Every state change is one Lua script over one queue's hash slot.
 */
export class RedisDriver implements QueueDriver {
  readonly kind = 'redis';
  readonly keys: KeySchema;
  private readonly client: AnyClient;
  private readonly owned: boolean;
  private readonly target: string;
  private readonly scripts: ScriptCommands;
  private readonly waiter: WakeWaiter;
  private readonly wakes: WakeSubscriber;
  private readonly reader: EventReader;
  private readonly admin: RedisAdmin;
  private readonly diagnosis: KeyDiagnosis;
  private readonly coalescer = new EnqueueCoalescer((jobs) => this.sender.send(jobs));
  private readonly sender: EnqueueSender;
  private readonly knownQueues = new Set<string>();
  private readonly registry: QueueRegistry;
  private readonly logger: DriverLogger;
  private opening: Promise<void> | undefined;
  private connected = false;
  /** Apps using this driver (each opened it once): connections close with the last one. */
  private users = 0;
  private closed = false;

  constructor(options: RedisDriverOptions = {}) {
    if (options.url !== undefined && !/^rediss?:\/\/./.test(options.url)) {
      throw new Error(`RedisDriver: url must start with redis:// or rediss:// (got ${JSON.stringify(options.url)}).`);
    }
    this.keys = new KeySchema(options.prefix ?? 'nj');
    ({ client: this.client, owned: this.owned } = createClient(options));
    this.target = describeTarget(options);
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
    defineScripts(this.client);
    this.scripts = scriptsOf(this.client);
    const report = (error: unknown): void => this.logger.warn(`RedisDriver (${this.target}): ${String(error)}`);
    this.admin = new RedisAdmin(this.client, this.keys);
    this.wakes = new WakeSubscriber(this.client, this.keys, (queue) => this.waiter.notify(queue), () => this.waiter.resync(), report);
    this.waiter = new WakeWaiter((queue) => this.admin.readiness([queue]), this.wakes);
    this.reader = new EventReader(this.client, this.keys, () => this.queues(), report);
    this.registry = new QueueRegistry(this.client, this.keys, this.target, this.knownQueues, (queue) => this.reader.addQueue(queue));
    this.diagnosis = new KeyDiagnosis(this.client, this.keys);
    this.sender = new EnqueueSender(this.client, this.scripts, this.keys, this.target, this.diagnosis, (queue) => this.waiter.notify(queue));
    this.client.on('error', () => undefined); // ioredis reconnects by itself; calls report failures.
  }

  async open(): Promise<void> {
    if (this.closed) throw new Error(`RedisDriver (${this.target}): open() after the last close(); create a new driver`);
    await this.connect();
    this.users++;
  }

  async close(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.closed) return;
    this.closed = true;
    this.registry.close();
    this.waiter.close();
    await Promise.all([this.wakes.close(), this.reader.close()]);
    if (this.owned) await this.client.quit().catch(() => this.client.disconnect());
  }

  private connect(): Promise<void> {
    this.opening ??= (async () => {
      const connecting = this.client.status === 'wait' ? this.client.connect() : this.client.status === 'ready' ? undefined : whenReady(this.client);
      await connecting?.catch((error: unknown) => { throw unreachable(this.target, 'connect', error); });
      await checkServer(this.client, this.logger, this.target);
      this.connected = true;
    })();
    this.opening.catch(() => (this.opening = undefined));
    return this.opening;
  }

  async registerQueues(queues: string[]): Promise<void> {
    await this.ensureOpen();
    await this.remember(queues);
  }

  async enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    await this.ensureOpen();
    if (jobs.length === 0) return [];
    const queues = [...new Set(jobs.map((job) => job.queue))];
    await this.remember(queues, () => enqueueOf(jobs, queues));
    return this.coalescer.enqueue(jobs);
  }

  async fetch(queue: string, options: FetchOptions): Promise<LeasedJob[]> {
    await this.ensureOpen();
    // A fresh random part per call: tokens never repeat for a job, even when Redis loses writes and its token counter goes back.
    const nonce = randomBytes(12).toString('base64url');
    const reply = await this.run<unknown[]>('fetch', queue, this.scripts.njFetch(...this.keys.scriptArgs(queue), options.max, options.leaseMs, FETCH_MAINTENANCE_BOUND, nonce));
    const jobs: LeasedJob[] = [];
    for (let offset = 0; offset < reply.length; offset += 5) jobs.push(decodeLeased(queue, reply, offset));
    this.waiter.fetched(queue, jobs.length < options.max);
    return jobs;
  }

  async complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    const args = items.flatMap((item) => [item.id, item.token, item.result, ...retentionArgs(item.retention)]);
    return outcomes(await this.run('complete', queue, this.scripts.njComplete(...this.keys.scriptArgs(queue), ...args), items));
  }

  async fail(queue: string, items: FailItem[]): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    const args = items.flatMap((item) => [
      item.id,
      item.token,
      item.error ? JSON.stringify({ name: item.error.name, message: item.error.message, stack: item.error.stack }) : '',
      item.retryAt === undefined ? '' : Math.round(item.retryAt),
    ]);
    return outcomes(await this.run('fail', queue, this.scripts.njFail(...this.keys.scriptArgs(queue), ...args), items));
  }

  async extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    return outcomes(await this.run('extend', queue, this.scripts.njExtend(...this.keys.scriptArgs(queue), leaseMs, ...items.flatMap((item) => [item.id, item.token])), items));
  }

  async release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    return outcomes(await this.run('release', queue, this.scripts.njRelease(...this.keys.scriptArgs(queue), ...items.flatMap((item) => [item.id, item.token])), items));
  }

  async progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    await this.ensureOpen();
    return (await this.run('progress', queue, this.scripts.njProgress(...this.keys.scriptArgs(queue), item.id, item.token, progress), [item])) === 1 ? 'ok' : 'lost';
  }

  /**
   * Resolves with the queues that may have work: told by a wake-up message, a local enqueue, a due time
   * or the slow safety re-check (see WakeWaiter); [] after `timeoutMs`. Sends no command while it waits.
   */
  async waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    await this.ensureOpen();
    return this.waiter.wait(queues, timeoutMs, signal);
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    const unsubscribe = this.reader.subscribe(listener);
    this.knownQueues.forEach((queue) => this.reader.addQueue(queue));
    return unsubscribe;
  }

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    await this.ensureOpen();
    return this.admin.getJob(queue, id);
  }

  async counts(queue: string): Promise<JobCounts> {
    await this.ensureOpen();
    return this.admin.counts(queue);
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    await this.ensureOpen();
    return this.admin.list(queue, state, options);
  }

  async queues(): Promise<string[]> {
    await this.ensureOpen();
    return this.admin.queues();
  }

  async retry(queue: string, id: string): Promise<boolean> {
    await this.ensureOpen();
    return (await this.run('retry', queue, this.scripts.njRetryDead(...this.keys.scriptArgs(queue), id, 0), [{ id }])) === 1;
  }

  async retryAllDead(queue: string): Promise<number> {
    await this.ensureOpen();
    let total = 0;
    for (let moved = -1; moved !== 0; total += moved) {
      moved = Number(await this.run('retryAllDead', queue, this.scripts.njRetryDead(...this.keys.scriptArgs(queue), '', 1_000), async () => {
        // Members are "<seq16>:<id>" (keys.ts).
        const members = await this.client.zrange(this.keys.stateKey(queue, 'dead'), '0', '999').catch((): string[] => []);
        return members.map((member) => member.slice(17));
      }));
      if (moved === 0) break;
    }
    return total;
  }

  async removeAllDead(queue: string): Promise<number> {
    await this.ensureOpen();
    let total = 0;
    for (;;) {
      const removed = Number(await this.run('removeAllDead', queue, this.scripts.njRemoveDead(...this.keys.scriptArgs(queue), 1_000), async () => {
        const members = await this.client.zrange(this.keys.stateKey(queue, 'dead'), '0', '999').catch((): string[] => []);
        return members.map((member) => member.slice(17));
      }));
      if (removed === 0) return total;
      total += removed;
    }
  }

  async remove(queue: string, id: string): Promise<boolean> {
    await this.ensureOpen();
    return (await this.run('remove', queue, this.scripts.njRemove(...this.keys.scriptArgs(queue), id), [{ id }])) === 1;
  }

  async pause(queue: string): Promise<void> {
    await this.ensureOpen();
    await this.client.set(this.keys.paused(queue), '1');
  }

  async resume(queue: string): Promise<void> {
    await this.ensureOpen();
    await this.run('resume', queue, this.scripts.njResume(...this.keys.scriptArgs(queue)));
  }

  async isPaused(queue: string): Promise<boolean> {
    await this.ensureOpen();
    return (await this.client.exists(this.keys.paused(queue))) === 1;
  }

  async enqueueTick(request: TickRequest): Promise<TickOutcome> {
    await this.ensureOpen();
    const { job } = request;
    await this.remember([job.queue]);
    const scheduleKey = this.keys.schedule(job.queue, request.schedule);
    const outcome = await this.run<TickOutcome>('enqueueTick', job.queue, this.scripts.njEnqueueTick(
      ...this.keys.queueKeys(job.queue), scheduleKey,
      this.keys.jobPrefix(job.queue), Math.round(request.tickAt), request.overlap ? '1' : '0', ...jobArgs(job),
    ), [{ id: job.id }], [{ key: scheduleKey, type: 'hash', what: `schedule "${request.schedule}"` }]);
    if (outcome === 'enqueued') this.waiter.notify(job.queue);
    return outcome;
  }

  async scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> {
    await this.ensureOpen();
    return this.admin.scheduleStates(schedules);
  }

  async setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> {
    await this.ensureOpen();
    await this.client.hset(this.keys.schedule(schedule.queue, schedule.name), 'paused', paused ? '1' : '0');
  }

  /**
   * Awaits a queue script. A refusal because a key holds the wrong type comes back as a
   * RedisKeyTypeError naming the key and queue (looked up only then); `jobs` are the job ids
   * the call touched (a function when they must be read first).
   */
  private async run<T = unknown>(
    operation: string, queue: string, call: Promise<unknown>,
    jobs: Array<{ id: string }> | (() => Promise<string[]>) = [], extra: ExtraKey[] = [],
  ): Promise<T> {
    try {
      return (await call) as T;
    } catch (error: unknown) {
      const ids = typeof jobs === 'function' ? await jobs() : jobs.map((job) => job.id);
      throw await this.diagnosis.explain(`${operation}`, queue, error, [...jobKeys(this.keys, queue, ids), ...extra]);
    }
  }

  /** Lets the driver be used without calling open() first (JobsModule calls it). */
  private async ensureOpen(): Promise<void> {
    // Until the first connect succeeds, every call waits for it (with no offline queue it would fail at once).
    if (!this.connected) await this.connect();
  }

  private remember(queues: string[], operation?: () => string): Promise<void> {
    return this.registry.remember(queues, operation);
  }
}

function retentionArgs(retention: CompleteItem['retention']): [string | number, string | number] {
  if (retention === true) return ['remove', ''];
  if (!retention) return ['', ''];
  return [retention.age ?? '', retention.count ?? ''];
}

function outcomes(reply: unknown): LeaseOutcome[] {
  return (reply as number[]).map((value) => (value === 1 ? 'ok' : 'lost'));
}
