import type {
  CancelOutcome, CompleteItem, DependencyStatus, DriverEvent, EnqueueResult, FailItem, FetchOptions, FlowLimits, FlowStatus, JobCounts, JobRecord, JobState,
  LeasedJob, LeaseOutcome, LeaseRef, ListOptions, NewJob, QueueDriver, ScheduleRef, ScheduleState, StoredSchedule, StoredSchedules, TickOutcome, TickRequest,
} from '@nest-jobs/core/driver';
import { createClient, describeTarget, type AnyClient, type RedisConnectionOptions } from './connection.js';
import { ScriptRunner, type DriverContext } from './driver-context.js';
import { EnqueueSender } from './enqueue-sender.js';
import { EventReader } from './event-reader.js';
import { KeyDiagnosis } from './key-diagnosis.js';
import { KeySchema } from './keys.js';
import { LayoutMigration } from './layout-migration.js';
import { QueueRegistry } from './queue-registry.js';
import { RedisAdmin } from './redis-admin.js';
import { RedisDependencies } from './redis-dependencies.js';
import { RedisFlow } from './redis-flow.js';
import { RedisLifecycle } from './redis-lifecycle.js';
import { RedisProducer } from './redis-producer.js';
import { RedisRuntimeSchedules } from './redis-runtime-schedules.js';
import { RedisSchedules } from './redis-schedules.js';
import { RedisWorker } from './redis-worker.js';
import { defineScripts, scriptsOf } from './scripts.js';
import type { DriverLogger } from './server-check.js';
import { unreachable } from './redis-unavailable.error.js';

export interface RedisDriverOptions extends RedisConnectionOptions {
  /** Namespace of every key, so several apps can share one Redis. Default `nj`. */
  prefix?: string;
  /**
   * Where warnings go (e.g. a maxmemory-policy that may evict jobs). Default:
   * the app's Nest logger (context `JobsDriver`) once JobsModule opens the driver, console before.
   */
  logger?: DriverLogger;
}

/**
 * The production QueueDriver on Redis (standalone, Sentinel or Cluster, via
 * ioredis). Every state change is one Lua script over one queue's hash slot.
 * One part per role (worker, producer, admin, schedules, event feed,
 * lifecycle) shares one client; this class only assembles and delegates.
 */
export class RedisDriver implements QueueDriver {
  readonly kind = 'redis';
  readonly keys: KeySchema;
  private readonly client: AnyClient;
  private readonly lifecycle: RedisLifecycle;
  private readonly worker: RedisWorker;
  private readonly producer: RedisProducer;
  private readonly admin: RedisAdmin;
  private readonly schedules: RedisSchedules;
  private readonly runtimeSchedules: RedisRuntimeSchedules;
  private readonly flow: RedisFlow;
  private readonly dependencyPart: RedisDependencies;
  private readonly reader: EventReader;
  private readonly registry: QueueRegistry;
  private readonly knownQueues = new Set<string>();
  private readonly target: string;
  /** Where warnings go now: the user's logger, else JobsModule's (useLogger), else console. */
  private sink: DriverLogger;
  private readonly ownLogger: boolean;

  constructor(options: RedisDriverOptions = {}) {
    if (options.url !== undefined && !/^rediss?:\/\/./.test(options.url)) {
      throw new Error(`RedisDriver: url must start with redis:// or rediss:// (got ${JSON.stringify(options.url)}).`);
    }
    this.keys = new KeySchema(options.prefix ?? 'nj');
    const { client, owned } = createClient(options);
    this.client = client;
    const target = describeTarget(options);
    this.target = target;
    this.ownLogger = options.logger !== undefined;
    this.sink = options.logger ?? { warn: (message) => console.warn(message) };
    const logger: DriverLogger = { warn: (message) => this.sink.warn(message), log: (message) => this.sink.log?.(message) };
    defineScripts(client);
    const report = (error: unknown): void => logger.warn(`RedisDriver (${target}): ${String(error)}`);
    const diagnosis = new KeyDiagnosis(client, this.keys);
    this.lifecycle = new RedisLifecycle(client, owned, target, logger);
    const scripts = scriptsOf(client);
    const runner = new ScriptRunner(this.keys, scripts, diagnosis);
    const context: DriverContext = {
      client, keys: this.keys, runner, ready: this.lifecycle.ready, layout: new LayoutMigration(this.keys, runner),
    };
    this.dependencyPart = new RedisDependencies(context, report);
    const ended = (queue: string): void => this.dependencyPart.drainSoon(queue);
    this.worker = new RedisWorker(context, report, ended);
    const notify = (queue: string): void => this.worker.notify(queue);
    this.reader = new EventReader(client, this.keys, () => this.admin.queues(), report);
    this.registry = new QueueRegistry(client, this.keys, target, this.knownQueues, (queue) => this.reader.addQueue(queue));
    const remember = (queues: string[], operation?: () => string): Promise<void> => this.registry.remember(queues, operation);
    const sender = new EnqueueSender(client, scripts, this.keys, target, diagnosis, notify);
    this.producer = new RedisProducer(context, sender, remember, (jobs) => this.dependencyPart.enqueue(jobs));
    this.admin = new RedisAdmin(context, ended);
    this.flow = new RedisFlow(context);
    this.schedules = new RedisSchedules(context, remember, notify);
    this.runtimeSchedules = new RedisRuntimeSchedules(context);
    client.on('error', () => undefined); // ioredis reconnects by itself; calls report failures.
  }

  open(): Promise<void> {
    this.dependencyPart.open();
    return this.lifecycle.open();
  }

  useLogger(logger: DriverLogger): void {
    if (!this.ownLogger) this.sink = logger;
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      this.registry.close();
      await Promise.all([this.worker.close(), this.reader.close(), this.dependencyPart.close()]);
    });
  }

  async registerQueues(queues: string[]): Promise<void> {
    await this.lifecycle.ready();
    await this.registry.remember(queues);
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    const unsubscribe = this.reader.subscribe(listener);
    this.knownQueues.forEach((queue) => this.reader.addQueue(queue));
    return unsubscribe;
  }

  enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> { return this.producer.enqueue(jobs); }

  fetch(queue: string, options: FetchOptions): Promise<LeasedJob[]> {
    this.dependencyPart.track(queue);
    return this.worker.fetch(queue, options);
  }
  dependencies(queue: string, id: string): Promise<DependencyStatus[] | null> {
    return this.adminCall(`dependencies of job ${id} in "${queue}"`, () => this.dependencyPart.dependencies(queue, id));
  }
  complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]> { return this.worker.complete(queue, items); }
  fail(queue: string, items: FailItem[]): Promise<LeaseOutcome[]> { return this.worker.fail(queue, items); }
  extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> { return this.worker.extend(queue, items, leaseMs); }
  release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]> { return this.worker.release(queue, items); }
  progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> { return this.worker.progress(queue, item, progress); }
  waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> { return this.worker.waitForWork(queues, timeoutMs, signal); }

  // Admin calls fail like enqueue on an outage: RedisUnavailableError naming the server and the call.
  getJob(queue: string, id: string): Promise<JobRecord | null> { return this.adminCall(`get of job ${id} in "${queue}"`, () => this.admin.getJob(queue, id)); }
  counts(queue: string): Promise<JobCounts> { return this.adminCall(`counts of "${queue}"`, () => this.admin.counts(queue)); }
  list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> { return this.adminCall(`list of ${state} jobs in "${queue}"`, () => this.admin.list(queue, state, options)); }
  queues(): Promise<string[]> { return this.adminCall('list of queues', () => this.admin.queues()); }
  retry(queue: string, id: string): Promise<boolean> { return this.adminCall(`retry of job ${id} in "${queue}"`, () => this.admin.retry(queue, id)); }
  retryAllDead(queue: string): Promise<number> { return this.adminCall(`retry of the dead jobs of "${queue}"`, () => this.admin.retryAllDead(queue)); }
  removeAllDead(queue: string): Promise<number> { return this.adminCall(`removal of the dead jobs of "${queue}"`, () => this.admin.removeAllDead(queue)); }
  remove(queue: string, id: string): Promise<boolean> { return this.adminCall(`removal of job ${id} in "${queue}"`, () => this.admin.remove(queue, id)); }
  pause(queue: string): Promise<void> { return this.adminCall(`pause of "${queue}"`, () => this.admin.pause(queue)); }
  resume(queue: string): Promise<void> { return this.adminCall(`resume of "${queue}"`, () => this.admin.resume(queue)); }
  isPaused(queue: string): Promise<boolean> { return this.adminCall(`paused state of "${queue}"`, () => this.admin.isPaused(queue)); }

  cancel(queue: string, id: string, reason?: string): Promise<CancelOutcome> { return this.admin.cancel(queue, id, reason); }
  watchCancels(listener: (queue: string, id: string) => void): () => void { return this.worker.watchCancels(listener); }
  setFlowLimits(queue: string, limits: Record<string, FlowLimits>): Promise<void> { return this.flow.setFlowLimits(queue, limits); }
  flowStatus(queue: string, laneLimit: number): Promise<FlowStatus> { return this.flow.flowStatus(queue, laneLimit); }

  enqueueTick(request: TickRequest): Promise<TickOutcome> { return this.schedules.enqueueTick(request); }
  scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> { return this.adminCall('schedule states', () => this.schedules.scheduleStates(schedules)); }
  setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> {
    return this.adminCall(`${paused ? 'pause' : 'resume'} of schedule "${schedule.name}"`, () => this.schedules.setSchedulePaused(schedule, paused));
  }

  saveSchedule(schedule: StoredSchedule): Promise<void> { return this.adminCall(`save of runtime schedule "${schedule.name}"`, () => this.runtimeSchedules.save(schedule)); }
  removeSchedule(name: string): Promise<StoredSchedule | null> { return this.adminCall(`removal of runtime schedule "${name}"`, () => this.runtimeSchedules.remove(name)); }
  loadSchedules(): Promise<StoredSchedules> { return this.adminCall('read of the runtime schedules', () => this.runtimeSchedules.load()); }
  scheduleVersion(): Promise<number> { return this.adminCall('read of the runtime schedules version', () => this.runtimeSchedules.version()); }
  watchSchedules(listener: () => void): () => void { return this.worker.watchSchedules(listener); }

  private adminCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return call().catch((error: unknown) => {
      throw unreachable(this.target, operation, error);
    });
  }
}
