import type {
  CompleteItem, DriverEvent, EnqueueResult, FailItem, FetchOptions, JobCounts, JobRecord, JobState, LeasedJob,
  LeaseOutcome, LeaseRef, ListOptions, NewJob, QueueDriver, ScheduleRef, ScheduleState, TickOutcome, TickRequest,
} from '@nest-jobs/core';
import { decodeLeased } from './codec.js';
import { createClient, describeTarget, type AnyClient, type RedisConnectionOptions } from './connection.js';
import { EnqueueCoalescer } from './enqueue-coalescer.js';
import { EnqueueSender, enqueueOf, jobArgs } from './enqueue-sender.js';
import { EventReader } from './event-reader.js';
import { KeySchema } from './keys.js';
import { RedisAdmin } from './redis-admin.js';
import { checkServer, type DriverLogger } from './server-check.js';
import { defineScripts, scriptsOf, type ScriptCommands } from './scripts.js';
import { isOutOfMemory, unreachable } from './redis-unavailable.error.js';
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
  private readonly coalescer = new EnqueueCoalescer((jobs) => this.sender.send(jobs));
  private readonly sender: EnqueueSender;
  private readonly knownQueues = new Set<string>();
  private readonly logger: DriverLogger;
  private opening: Promise<void> | undefined;
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
    this.sender = new EnqueueSender(this.client, this.scripts, this.keys, this.target, (queue) => this.waiter.notify(queue));
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
    this.waiter.close();
    await Promise.all([this.wakes.close(), this.reader.close()]);
    if (this.owned) await this.client.quit().catch(() => this.client.disconnect());
  }

  private connect(): Promise<void> {
    this.opening ??= (async () => {
      if (this.client.status === 'wait') await this.client.connect().catch((error: unknown) => { throw unreachable(this.target, 'connect', error); });
      await checkServer(this.client, this.logger, this.target);
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
    const reply = (await this.scripts.njFetch(...this.keys.scriptArgs(queue), options.max, options.leaseMs, FETCH_MAINTENANCE_BOUND)) as unknown[];
    const jobs: LeasedJob[] = [];
    for (let offset = 0; offset < reply.length; offset += 5) jobs.push(decodeLeased(queue, reply, offset));
    this.waiter.fetched(queue, jobs.length < options.max);
    return jobs;
  }

  async complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    const args = items.flatMap((item) => [item.id, item.token, item.result, ...retentionArgs(item.retention)]);
    return outcomes(await this.scripts.njComplete(...this.keys.scriptArgs(queue), ...args));
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
    return outcomes(await this.scripts.njFail(...this.keys.scriptArgs(queue), ...args));
  }

  async extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    return outcomes(await this.scripts.njExtend(...this.keys.scriptArgs(queue), leaseMs, ...items.flatMap((item) => [item.id, item.token])));
  }

  async release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    await this.ensureOpen();
    if (items.length === 0) return [];
    return outcomes(await this.scripts.njRelease(...this.keys.scriptArgs(queue), ...items.flatMap((item) => [item.id, item.token])));
  }

  async progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    await this.ensureOpen();
    return (await this.scripts.njProgress(...this.keys.scriptArgs(queue), item.id, item.token, progress)) === 1 ? 'ok' : 'lost';
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
    return (await this.scripts.njRetryDead(...this.keys.scriptArgs(queue), id, 0)) === 1;
  }

  async retryAllDead(queue: string): Promise<number> {
    await this.ensureOpen();
    let total = 0;
    for (let moved = -1; moved !== 0; total += moved) {
      moved = Number(await this.scripts.njRetryDead(...this.keys.scriptArgs(queue), '', 1_000));
      if (moved === 0) break;
    }
    return total;
  }

  async remove(queue: string, id: string): Promise<boolean> {
    await this.ensureOpen();
    return (await this.scripts.njRemove(...this.keys.scriptArgs(queue), id)) === 1;
  }

  async pause(queue: string): Promise<void> {
    await this.ensureOpen();
    await this.client.set(this.keys.paused(queue), '1');
  }

  async resume(queue: string): Promise<void> {
    await this.ensureOpen();
    await this.scripts.njResume(...this.keys.scriptArgs(queue));
  }

  async isPaused(queue: string): Promise<boolean> {
    await this.ensureOpen();
    return (await this.client.exists(this.keys.paused(queue))) === 1;
  }

  async enqueueTick(request: TickRequest): Promise<TickOutcome> {
    await this.ensureOpen();
    const { job } = request;
    await this.remember([job.queue]);
    const outcome = (await this.scripts.njEnqueueTick(
      ...this.keys.queueKeys(job.queue), this.keys.schedule(job.queue, request.schedule),
      this.keys.jobPrefix(job.queue), Math.round(request.tickAt), request.overlap ? '1' : '0', ...jobArgs(job),
    )) as TickOutcome;
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

  /** Lets the driver be used without calling open() first (JobsModule calls it). */
  private async ensureOpen(): Promise<void> {
    if (this.client.status === 'wait') await this.connect();
  }

  private async alreadyRegistered(queues: string[]): Promise<boolean> {
    const registered = new Set(await this.client.smembers(this.keys.queues()));
    return queues.every((queue) => registered.has(queue));
  }

  /** `operation` names what failed, built only on failure: this runs on every enqueue. */
  private async remember(queues: string[], operation: () => string = () => 'register queues'): Promise<void> {
    const fresh = queues.filter((queue) => !this.knownQueues.has(queue));
    if (fresh.length === 0) return;
    fresh.forEach((queue) => this.keys.queueKeys(queue)); // validates names before anything is written
    await this.client.sadd(this.keys.queues(), ...fresh).catch(async (error: unknown) => {
      // At maxmemory Redis refuses SADD even of members it has: a worker started to drain a full Redis must still boot.
      if (!isOutOfMemory(error) || !(await this.alreadyRegistered(fresh))) throw unreachable(this.target, operation(), error);
    });
    fresh.forEach((queue) => {
      this.knownQueues.add(queue);
      this.reader.addQueue(queue);
    });
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
