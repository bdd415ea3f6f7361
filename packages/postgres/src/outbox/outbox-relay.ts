import type { ProducerPort } from '@nest-jobs/core/driver';
import type pg from 'pg';
import type { SchemaNames } from '../schema/schema-names.js';
import { outboxWaves, refusedRow, type OutboxRow } from './outbox-waves.js';

/** Rows handed to the driver per round; one transaction holds them until the driver has them. */
const DEFAULT_BATCH = 500;
/** Without a notification (another relay died holding the turn, a missed NOTIFY), look again this often. */
const IDLE_RECHECK_MS = 5_000;
const ERROR_PAUSE_MS = 1_000;

export interface RelayOptions {
  batchSize?: number;
  warn(message: string): void;
}

/**
 * Moves committed outbox rows to the driver, oldest first. One relay at a time
 * holds the turn (a transaction-scoped advisory lock), so jobs reach the driver
 * in commit order. Rows are deleted in the transaction that read them, after
 * the driver accepted them: a relay that dies in between leaves them to the
 * next one, which pushes them again, and the driver's job-id dedupe makes the
 * second push a no-op. A row the driver refuses for good (its dependency does
 * not exist) moves to `outbox_rejected` in that same transaction, so it neither
 * stops the relay nor disappears.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingWake = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: SchemaNames,
    private readonly target: ProducerPort,
    private readonly options: RelayOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  /** New rows were committed (NOTIFY), or a look is due. */
  notify(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      let moved: number;
      try {
        moved = await this.relayBatch();
      } catch (error) {
        this.options.warn(`PostgresOutbox: relay failed, retrying in ${ERROR_PAUSE_MS} ms: ${error instanceof Error ? error.message : String(error)}`);
        await this.sleep(ERROR_PAUSE_MS);
        continue;
      }
      if (moved === 0 && !this.pendingWake) await this.sleep(IDLE_RECHECK_MS);
    }
  }

  /** One round: the turn, a batch, the push, the delete. Returns the rows moved (0: nothing to do or not our turn). */
  private async relayBatch(): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const setAside: string[] = [];
    try {
      await client.query('BEGIN');
      const turn = await client.query<{ ours: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ours', [`nest-jobs:outbox:${this.names.schema}`]);
      if (!turn.rows[0]?.ours) {
        await client.query('COMMIT');
        return 0;
      }
      const rows = await client.query<OutboxRow>(
        `SELECT seq, job FROM ${this.names.ident}.outbox ORDER BY seq LIMIT $1`, [this.options.batchSize ?? DEFAULT_BATCH]);
      if (rows.rows.length > 0) {
        for (const wave of outboxWaves(rows.rows)) await this.push(client, wave, setAside);
        await client.query(`DELETE FROM ${this.names.ident}.outbox WHERE seq = ANY($1::bigint[])`, [rows.rows.map((row) => row.seq)]);
      }
      await client.query('COMMIT');
      // Said once it is so: a rolled-back round sets nothing aside.
      for (const message of setAside) this.options.warn(message);
      return rows.rows.length;
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw broken;
    } finally {
      client.release(broken);
    }
  }

  /** One enqueue call for `wave`; a job refused for good is set aside and the call made again without it. */
  private async push(client: pg.PoolClient, wave: OutboxRow[], setAside: string[]): Promise<void> {
    let rows = wave;
    while (rows.length > 0) {
      try {
        await this.target.enqueue(rows.map((row) => row.job));
        return;
      } catch (error) {
        const refused = refusedRow(rows, error);
        if (!refused) throw error;
        setAside.push(await this.setAside(client, refused, (error as Error).message));
        rows = rows.filter((row) => row !== refused);
      }
    }
  }

  /** Copies the row to outbox_rejected with the refusal (the batch's delete removes it from the outbox); returns the warning. */
  private async setAside(client: pg.PoolClient, row: OutboxRow, reason: string): Promise<string> {
    await client.query(
      `INSERT INTO ${this.names.ident}.outbox_rejected (seq, job, error, written_at, rejected_at)
       SELECT seq, job, $2, written_at, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint
       FROM ${this.names.ident}.outbox WHERE seq = $1
       ON CONFLICT (seq) DO NOTHING`, [row.seq, reason]);
    return `PostgresOutbox: job ${row.job.id} (${row.job.name}, queue "${row.job.queue}") was refused by the driver and set aside ` +
      `in ${this.names.ident}.outbox_rejected; it will not run unless you enqueue it again: ${reason}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (this.pendingWake || !this.running) done();
    });
  }
}
