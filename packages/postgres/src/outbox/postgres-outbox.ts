import type { EnqueueResult, JobsOutbox, NewJob, OutboxLag, ProducerPort } from '@nest-jobs/core/driver';
import pg from 'pg';
import { NotificationListener } from '../notification-listener.js';
import { applyMigrations, OUTBOX_MIGRATIONS, requireSchemaVersion } from '../schema/migrations.js';
import { schemaNames, type SchemaNames } from '../schema/schema-names.js';
import { transactionQuery } from '../transaction-query.js';
import { OutboxRelay } from './outbox-relay.js';

/** Options of {@link PostgresOutbox}. */
export interface PostgresOutboxOptions {
  /** The application's pool (the one its transactions come from). Give this or `url`. */
  pool?: pg.Pool;
  url?: string;
  /** Schema of the outbox table. Default `nest_jobs`. */
  schema?: string;
  /** Migrate the outbox table when the app starts (default true); false: `nest-jobs-postgres-migrate --outbox`. */
  migrate?: boolean;
  /** Rows relayed per round. Default 500. */
  batchSize?: number;
  logger?: { warn(message: string): void };
}

/**
 * Transactional enqueue for an app whose jobs run on another driver (Redis):
 * `enqueue(..., { transaction })` writes the job to an outbox table inside
 * the app's transaction, and every instance runs a relay that hands committed
 * rows to the driver (one at a time, in commit order, woken by NOTIFY). Job ids
 * are fixed when the row is written, so a row pushed twice (a relay that died
 * between push and delete) is a no-op on the driver: each job runs once. A job
 * whose `dependsOn` names a job that does not exist is set aside in
 * `outbox_rejected` with the driver's error (a warning names it; `lag().rejected`
 * counts them) and the rest go on.
 */
export class PostgresOutbox implements JobsOutbox {
  private readonly names: SchemaNames;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private relay: OutboxRelay | undefined;
  private listener: NotificationListener | undefined;

  constructor(private readonly options: PostgresOutboxOptions) {
    if (typeof options !== 'object' || options === null || (!options.pool && !options.url)) {
      throw new Error('PostgresOutbox: pool (the app\'s pg.Pool) or url is required.');
    }
    this.names = schemaNames(options.schema ?? 'nest_jobs', 'PostgresOutbox');
    this.pool = options.pool ?? new pg.Pool({ connectionString: options.url, max: 4 });
    this.ownsPool = !options.pool;
    // An idle connection of our own pool that drops must not crash the process; the next query reconnects.
    if (this.ownsPool) this.pool.on('error', (error) => this.relay && this.warn(`PostgresOutbox: an idle connection failed: ${error.message}`));
  }

  async write(transaction: object, jobs: NewJob[]): Promise<EnqueueResult[]> {
    const query = transactionQuery(transaction, 'PostgresOutbox.write');
    if (jobs.length === 0) return [];
    // Every field core set, as given: the relay hands the driver the same job core would have.
    await query(`SELECT ${this.names.ident}.outbox_write($1::jsonb)`, [JSON.stringify(jobs)]);
    // The job does not exist on the driver yet; it will, in this state, once the transaction commits.
    return jobs.map((job) => ({ id: job.id, created: true, state: job.runAt > job.enqueuedAt ? 'delayed' : 'waiting' }));
  }

  async start(target: ProducerPort): Promise<void> {
    if (this.relay) throw new Error('PostgresOutbox.start: already started; one outbox serves one app');
    if (this.options.migrate !== false) {
      const client = await this.pool.connect();
      try {
        await applyMigrations(client, this.names, OUTBOX_MIGRATIONS);
      } finally {
        client.release();
      }
    } else {
      await requireSchemaVersion(this.pool, this.names, OUTBOX_MIGRATIONS);
    }
    const warn = (message: string): void => this.warn(message);
    const relay = new OutboxRelay(this.pool, this.names, target, { batchSize: this.options.batchSize, warn });
    const listener = new NotificationListener(this.pool, [this.names.outboxChannel], {
      notify: () => relay.notify(),
      reconnected: () => relay.notify(),
    }, warn);
    await listener.start();
    this.listener = listener;
    this.relay = relay;
    relay.start();
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.listener?.close();
    this.relay = undefined;
    this.listener = undefined;
    if (this.ownsPool) await this.pool.end();
  }

  private warn(message: string): void {
    (this.options.logger ?? console).warn(message);
  }

  async lag(): Promise<OutboxLag> {
    const { rows } = await this.pool.query<{ pending: number; oldest: string | null; now: string; rejected: number }>(
      `SELECT count(*)::integer AS pending, min(written_at) AS oldest, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now,
         (SELECT count(*)::integer FROM ${this.names.ident}.outbox_rejected) AS rejected
       FROM ${this.names.ident}.outbox`);
    const row = rows[0]!;
    return { pending: row.pending, oldestMs: row.oldest === null ? 0 : Math.max(0, Number(row.now) - Number(row.oldest)), rejected: row.rejected };
  }
}
