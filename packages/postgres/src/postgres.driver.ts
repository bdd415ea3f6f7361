import type {
  CancelOutcome, CompleteItem, DependencyStatus, DriverEvent, EnqueueResult, FailItem, FetchOptions, FlowLimits, FlowStatus, JobCounts, JobRecord,
  JobState, LeasedJob, LeaseOutcome, LeaseRef, ListOptions, NewJob, QueueDriver, ScheduleRef, ScheduleState, StoredSchedule, StoredSchedules,
  TickOutcome, TickRequest,
} from '@nest-jobs/core/driver';
import type pg from 'pg';
import { CancelWatchers } from './cancel-watchers.js';
import { NotificationListener } from './notification-listener.js';
import { PostgresEventFeed } from './postgres-event-feed.js';
import { PostgresAdmin } from './postgres-admin.js';
import { PostgresReads } from './postgres-reads.js';
import { SchemaCalls } from './schema-calls.js';
import { PostgresRuntimeSchedules } from './postgres-runtime-schedules.js';
import { resolvePool, type PostgresDriverOptions } from './postgres-driver-options.js';
import { JOB_COLUMNS, jobsParameter, toLeased, type JobRow } from './row-codec.js';
import { applyMigrations, DRIVER_MIGRATIONS, requireSchemaVersion } from './schema/migrations.js';
import { schemaNames, type SchemaNames } from './schema/schema-names.js';
import { transactionQuery } from './transaction-query.js';
import { WakeWaiters, type WorkStatus } from './wake-waiter.js';
import { explainEnqueueError } from './dependency-errors.js';

/**
 * QueueDriver on PostgreSQL (node-postgres). Every operation is one call of a
 * PL/pgSQL function: one round trip, one transaction. Fetch leases with
 * `FOR UPDATE SKIP LOCKED` in fetch order from a partial index; idle workers
 * sleep on LISTEN/NOTIFY; events reach every process by NOTIFY at commit.
 * Limited jobs wait in lanes with their limits enforced in SQL for every worker;
 * cancels of running jobs reach their workers by NOTIFY (`watchCancels`).
 * `enqueueInTransaction` puts jobs in the application's own transaction.
 */
export class PostgresDriver implements QueueDriver {
  readonly kind = 'postgres';
  private readonly names: SchemaNames;
  private pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly waiters = new WakeWaiters();
  private readonly feed: PostgresEventFeed;
  private readonly reads: PostgresReads;
  private readonly sql: SchemaCalls;
  private readonly admin: PostgresAdmin;
  private readonly cancelWatchers: CancelWatchers;
  private readonly runtimeSchedules: PostgresRuntimeSchedules;
  private listener: NotificationListener | undefined;
  /** The app's logger (JobsModule hands it over); a logger given in the options wins. */
  private appLogger: WarnSink | undefined;
  private users = 0;
  private closed = false;

  constructor(private readonly options: PostgresDriverOptions) {
    this.names = schemaNames(options?.schema ?? 'nest_jobs');
    ({ pool: this.pool, owned: this.ownsPool } = resolvePool(options, 'PostgresDriver'));
    this.watchPool();
    this.sql = new SchemaCalls(this.names, (text, values) => this.rows(text, values));
    this.reads = new PostgresReads(this.names, this.sql.rows);
    this.admin = new PostgresAdmin(this.names, this.sql);
    this.feed = new PostgresEventFeed((id) => this.eventBody(id), (message) => this.warn(message));
    this.cancelWatchers = new CancelWatchers((message) => this.warn(message));
    this.runtimeSchedules = new PostgresRuntimeSchedules(this.names, this.sql.rows, (message) => this.warn(message));
  }

  /** The schema this driver uses. */
  get schema(): string {
    return this.names.schema;
  }

  useLogger(logger: WarnSink): void {
    this.appLogger = logger;
  }

  async open(): Promise<void> {
    this.users++;
    if (this.users > 1) return;
    this.closed = false;
    if (this.ownsPool && this.pool.ended) {
      // Opened again after the last close: a fresh pool, as the jobs outlive the driver.
      this.pool = resolvePool(this.options, 'PostgresDriver').pool;
      this.watchPool();
    }
    try {
      await this.prepareSchema();
      const { eventChannel, wakeChannel, cancelChannel, schedulesChannel } = this.names;
      const listener = new NotificationListener(this.pool, [eventChannel, wakeChannel, cancelChannel, schedulesChannel], {
        notify: (channel, payload) => {
          if (channel === eventChannel) this.feed.receive(payload);
          else if (channel === cancelChannel) this.cancelWatchers.receive(payload);
          else if (channel === schedulesChannel) this.runtimeSchedules.receive();
          else this.waiters.notify(payload);
        },
        reconnected: () => {
          this.waiters.wakeAll();
          this.runtimeSchedules.receive();
        },
      }, (message) => this.warn(message));
      await listener.start();
      this.listener = listener;
    } catch (error) {
      this.users--;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.closed) return;
    this.closed = true;
    this.waiters.wakeAll();
    await this.listener?.close();
    this.listener = undefined;
    if (this.ownsPool) await this.pool.end();
  }

  async registerQueues(queues: string[]): Promise<void> {
    if (queues.length === 0) return;
    await this.rows(`SELECT ${this.names.ident}.know_queue(name) FROM unnest($1::text[]) AS q(name)`, [queues]);
  }

  async enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    if (jobs.length === 0) return [];
    return this.enqueueVia((text, values) => this.rows(text, values), jobs);
  }

  /**
   * Enqueues on the application's own connection, inside its open transaction:
   * the jobs (and their events and wake-ups) exist if and only if it commits.
   */
  async enqueueInTransaction(transaction: object, jobs: NewJob[]): Promise<EnqueueResult[]> {
    const query = transactionQuery(transaction, 'PostgresDriver.enqueue');
    if (jobs.length === 0) return [];
    return this.enqueueVia(query, jobs);
  }

  async fetch(queue: string, options: FetchOptions): Promise<LeasedJob[]> {
    if (this.closed) throw new Error(`PostgresDriver: fetch from "${queue}" after close(); open() it again first`);
    const rows = await this.rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM ${this.names.ident}.fetch($1, $2, $3)`, [queue, options.max, options.leaseMs]);
    return rows.map(toLeased);
  }

  complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    return this.sql.outcomes('complete($1, $2::jsonb)', [queue, JSON.stringify(items)]);
  }

  fail(queue: string, items: FailItem[]): Promise<LeaseOutcome[]> {
    return this.sql.outcomes('fail($1, $2::jsonb)', [queue, JSON.stringify(items)]);
  }

  extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    return this.sql.outcomes('extend($1, $2::jsonb, $3)', [queue, JSON.stringify(items.map(leaseRef)), leaseMs]);
  }

  release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    return this.sql.outcomes('release($1, $2::jsonb)', [queue, JSON.stringify(items.map(leaseRef))]);
  }

  async progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    return (await this.sql.call<boolean>('progress($1, $2, $3, $4)', [queue, item.id, item.token, progress])) ? 'ok' : 'lost';
  }

  waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<readonly string[] | void> {
    if (this.closed || signal?.aborted || queues.length === 0) return Promise.resolve([]);
    return this.waiters.wait(queues, timeoutMs, signal, () =>
      this.rows<WorkStatus>(`SELECT queue, ready, next_at FROM ${this.names.ident}.work_status($1)`, [queues]));
  }

  /** Hears cancels of active jobs from every process (NOTIFY on the schema's cancel channel). */
  watchCancels(listener: (queue: string, id: string) => void): () => void {
    return this.cancelWatchers.watch(listener);
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    return this.feed.subscribe(listener);
  }

  getJob(queue: string, id: string): Promise<JobRecord | null> { return this.reads.getJob(queue, id); }
  dependencies(queue: string, id: string): Promise<DependencyStatus[] | null> { return this.reads.dependencies(queue, id); }
  counts(queue: string): Promise<JobCounts> { return this.reads.counts(queue); }
  list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> { return this.reads.list(queue, state, options); }
  queues(): Promise<string[]> { return this.reads.queues(); }
  isPaused(queue: string): Promise<boolean> { return this.reads.isPaused(queue); }
  scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> { return this.reads.scheduleStates(schedules); }
  retry(queue: string, id: string): Promise<boolean> { return this.admin.retry(queue, id); }
  retryAllDead(queue: string): Promise<number> { return this.admin.retryAllDead(queue); }
  removeAllDead(queue: string): Promise<number> { return this.admin.removeAllDead(queue); }
  cancel(queue: string, id: string, reason?: string): Promise<CancelOutcome> { return this.admin.cancel(queue, id, reason); }
  setFlowLimits(queue: string, limits: Record<string, FlowLimits>): Promise<void> { return this.admin.setFlowLimits(queue, limits); }
  flowStatus(queue: string, laneLimit: number): Promise<FlowStatus> { return this.admin.flowStatus(queue, laneLimit); }
  remove(queue: string, id: string): Promise<boolean> { return this.admin.remove(queue, id); }
  pause(queue: string): Promise<void> { return this.admin.setPaused(queue, true); }
  resume(queue: string): Promise<void> { return this.admin.setPaused(queue, false); }
  enqueueTick(request: TickRequest): Promise<TickOutcome> { return this.admin.enqueueTick(request); }
  setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> { return this.admin.setSchedulePaused(schedule, paused); }

  saveSchedule(schedule: StoredSchedule): Promise<void> { return this.runtimeSchedules.save(schedule); }
  removeSchedule(name: string): Promise<StoredSchedule | null> { return this.runtimeSchedules.remove(name); }
  loadSchedules(): Promise<StoredSchedules> { return this.runtimeSchedules.load(); }
  scheduleVersion(): Promise<number> { return this.runtimeSchedules.version(); }
  /** Hears runtime schedule changes from every process (NOTIFY on the schema's schedules channel). */
  watchSchedules(listener: () => void): () => void { return this.runtimeSchedules.watch(listener); }

  private watchPool(): void {
    // An idle pooled connection that drops must not crash the process; the next query reconnects.
    // After close, a server shutting down may still reach connections that are ending: not news.
    this.pool.on('error', (error) => this.closed || this.warn(`PostgresDriver: an idle connection failed: ${error.message}`));
  }

  private async prepareSchema(): Promise<void> {
    if (this.options.migrate === false) return requireSchemaVersion(this.pool, this.names, DRIVER_MIGRATIONS);
    const client = await this.pool.connect();
    try {
      await applyMigrations(client, this.names);
    } finally {
      client.release();
    }
  }

  private async enqueueVia(query: <Row>(text: string, values: unknown[]) => Promise<Row[]>, jobs: NewJob[]): Promise<EnqueueResult[]> {
    const rows = await query<{ job_id: string; created: boolean; job_state: JobState }>(
      `SELECT job_id, created, job_state FROM ${this.names.ident}.enqueue($1::jsonb)`, [jobsParameter(jobs)]).catch(explainEnqueueError);
    return rows.map((row) => ({ id: row.job_id, created: row.created, state: row.job_state }));
  }

  private async rows<Row>(text: string, values: unknown[]): Promise<Row[]> {
    const result = await this.pool.query(text, values);
    return result.rows as Row[];
  }

  private async eventBody(id: string): Promise<string | undefined> {
    const [row] = await this.rows<{ body: string }>(`SELECT body FROM ${this.names.ident}.event_bodies WHERE id = $1`, [id]);
    return row?.body;
  }

  private warn(message: string): void {
    (this.options.logger ?? this.appLogger ?? console).warn(message);
  }
}

const leaseRef = (item: LeaseRef): LeaseRef => ({ id: item.id, token: item.token });

/** Where the driver's warnings go (a Nest `Logger` fits). */
type WarnSink = { warn(message: string): void };
