import { afterAll, describe, expect, it } from '@jest/globals';
import { MemoryDriver } from '@nest-jobs/core';
import { MissingDependencyError, type NewJob } from '@nest-jobs/core/driver';
import { migratePostgres } from './migrate.js';
import { outboxWaves, refusedRow } from './outbox/outbox-waves.js';
import { PostgresOutbox } from './outbox/postgres-outbox.js';
import { applyMigrations, OUTBOX_MIGRATIONS } from './schema/migrations.js';
import { schemaNames } from './schema/schema-names.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

const outboxes: PostgresOutbox[] = [];
afterAll(async () => {
  await Promise.all(outboxes.map((outbox) => outbox.stop()));
});
const postgres = useSpecPostgres();

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe('PostgresOutbox', () => {
  it('relays a committed job with every field core set, woken by NOTIFY at commit (an uncommitted row is no lag)', async () => {
    const target = new MemoryDriver();
    const outbox = new PostgresOutbox({ pool: postgres.pool(), schema: 'app_outbox' });
    outboxes.push(outbox);
    await outbox.start(target);
    const now = Date.now();
    const job: NewJob = { id: 'o-1', queue: 'mail', name: 'Mail.send', payload: '{"to":"a"}', priority: 7, maxAttempts: 4, runAt: now + 60_000, enqueuedAt: now, scheduledFor: now - 5 };
    const client = await postgres.pool().connect();
    try {
      await client.query('BEGIN');
      expect(await outbox.write(client, [job])).toEqual([{ id: 'o-1', created: true, state: 'delayed' }]);
      expect(await outbox.lag()).toEqual({ pending: 0, oldestMs: 0, rejected: 0 });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const tookMs = await eventually(async () => (await target.getJob('mail', 'o-1')) !== null, 5_000);
    expect(tookMs).toBeLessThan(2_000);
    expect(await target.getJob('mail', 'o-1')).toMatchObject({ ...job, state: 'delayed', attempt: 0 });
    // The relay deletes the row in the transaction that read it, just after the driver took the job.
    await eventually(async () => (await outbox.lag()).pending === 0, 5_000);
  });

  it('counts committed rows not yet relayed as lag', async () => {
    const outbox = new PostgresOutbox({ pool: postgres.pool(), schema: 'lagging' });
    await migratePostgres({ pool: postgres.pool(), schema: 'lagging', outbox: true });
    const now = Date.now();
    await outbox.write({ query: (text: string, values?: unknown[]) => postgres.pool().query(text, values) }, [
      { id: 'l-1', queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lag = await outbox.lag();
    expect(lag.pending).toBe(1);
    expect(lag.oldestMs).toBeGreaterThanOrEqual(40);
  });

  it('relays a job and a job that depends on it, written in one transaction, in that order (the dependent waits blocked)', async () => {
    await withOutbox('chained', async (outbox, target, warnings) => {
      await inTransaction((client) => outbox.write(client, [job('order-1'), job('receipt-1', [{ queue: 'mail', id: 'order-1' }])]));
      await eventually(async () => (await target.getJob('mail', 'receipt-1')) !== null, 5_000);
      expect(await target.getJob('mail', 'order-1')).toMatchObject({ state: 'waiting' });
      expect(await target.getJob('mail', 'receipt-1')).toMatchObject({ state: 'blocked' });
      await eventually(async () => (await outbox.lag()).pending === 0, 5_000);
      expect(await outbox.lag()).toMatchObject({ pending: 0, rejected: 0 });
      expect(warnings).toEqual([]);
    });
  });

  it('sets aside a job whose dependency does not exist (and its own dependents), names it, and relays the rest', async () => {
    await withOutbox('orphans', async (outbox, target, warnings) => {
      await inTransaction((client) => outbox.write(client, [
        job('ok-1'), job('orphan-1', [{ queue: 'mail', id: 'ghost-1' }]), job('child-1', [{ queue: 'mail', id: 'orphan-1' }]), job('ok-2'),
      ]));
      await inTransaction((client) => outbox.write(client, [job('ok-3')]));
      await eventually(async () => (await target.getJob('mail', 'ok-3')) !== null, 5_000);
      expect(await target.getJob('mail', 'ok-1')).toMatchObject({ state: 'waiting' });
      expect(await target.getJob('mail', 'ok-2')).toMatchObject({ state: 'waiting' });
      expect(await target.getJob('mail', 'orphan-1')).toBeNull();
      expect(await target.getJob('mail', 'child-1')).toBeNull();
      await eventually(async () => (await outbox.lag()).pending === 0, 5_000);
      expect(await outbox.lag()).toMatchObject({ pending: 0, rejected: 2 });
      const { rows } = await postgres.pool().query<{ id: string; error: string }>(`SELECT job->>'id' AS id, error FROM orphans.outbox_rejected ORDER BY seq`);
      expect(rows).toEqual([
        { id: 'orphan-1', error: expect.stringContaining('dependency ghost-1 in queue "mail" does not exist') },
        { id: 'child-1', error: expect.stringContaining('dependency orphan-1 in queue "mail" does not exist') },
      ]);
      expect(warnings).toEqual([
        expect.stringMatching(/job orphan-1 \(Mail\.send, queue "mail"\) was refused .* set aside in "orphans"\.outbox_rejected.*ghost-1/),
        expect.stringMatching(/job child-1 .*orphan-1/),
      ]);
    });
  });

  it('refuses to start on an outbox schema behind this package when it may not migrate', async () => {
    const client = await postgres.pool().connect();
    try {
      await applyMigrations(client, schemaNames('outbox_v1'), { ...OUTBOX_MIGRATIONS, steps: OUTBOX_MIGRATIONS.steps.slice(0, 1) });
    } finally {
      client.release();
    }
    const outbox = new PostgresOutbox({ pool: postgres.pool(), schema: 'outbox_v1', migrate: false });
    await expect(outbox.start(new MemoryDriver())).rejects.toThrow(
      /outbox schema "outbox_v1" is at version 1, this package needs 2\. Run `npx nest-jobs-postgres-migrate --outbox --url <url> --schema outbox_v1`/);
  });

  it('splits a batch so each dependent goes in a later call than its dependency, across queues, keeping order', () => {
    const rows = [job('a'), job('b'), job('c', [{ queue: 'mail', id: 'a' }]), job('d', [{ queue: 'other', id: 'b' }]), job('e', [{ queue: 'mail', id: 'c' }])]
      .map((entry, index) => ({ seq: String(index + 1), job: entry }));
    expect(outboxWaves(rows).map((wave) => wave.map((row) => row.job.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('sets aside the row the refusal names by id and dependency (ids are unique per queue only)', () => {
    const elsewhere = { ...job('x', [{ queue: 'mail', id: 'there' }]), queue: 'other' };
    const rows = [elsewhere, job('x', [{ queue: 'mail', id: 'ghost' }])].map((entry, index) => ({ seq: String(index + 1), job: entry }));
    expect(refusedRow(rows, new MissingDependencyError('x', 'mail', 'ghost'))).toBe(rows[1]);
    expect(refusedRow(rows, new Error('Redis unreachable'))).toBeUndefined();
  });
});

/** A started outbox on its own schema relaying to a memory driver, with the warnings it logs; stopped after `work`. */
async function withOutbox(schema: string, work: (outbox: PostgresOutbox, target: MemoryDriver, warnings: string[]) => Promise<void>): Promise<void> {
  const target = new MemoryDriver();
  const warnings: string[] = [];
  const outbox = new PostgresOutbox({ pool: postgres.pool(), schema, logger: { warn: (message) => warnings.push(message) } });
  try {
    await outbox.start(target);
    await work(outbox, target, warnings);
  } finally {
    await outbox.stop();
  }
}

function job(id: string, dependsOn?: NewJob['dependsOn']): NewJob {
  const now = Date.now();
  return { id, queue: 'mail', name: 'Mail.send', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now, ...(dependsOn ? { dependsOn } : {}) };
}

async function inTransaction<T>(work: (client: object) => Promise<T>): Promise<T> {
  const client = await postgres.pool().connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } finally {
    client.release();
  }
}
