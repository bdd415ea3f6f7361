import { afterAll, describe, expect, it } from '@jest/globals';
import { MemoryDriver } from '@nest-jobs/core';
import type { NewJob } from '@nest-jobs/core/driver';
import { migratePostgres } from './migrate.js';
import { PostgresOutbox } from './outbox/postgres-outbox.js';
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
      expect(await outbox.lag()).toEqual({ pending: 0, oldestMs: 0 });
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
});
