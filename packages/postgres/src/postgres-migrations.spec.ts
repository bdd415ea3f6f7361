import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { migratePostgres, SCHEMA_VERSION } from './migrate.js';
import { PostgresDriver } from './postgres.driver.js';
import { applyMigrations, DRIVER_MIGRATIONS } from './schema/migrations.js';
import { schemaNames } from './schema/schema-names.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

const postgres = useSpecPostgres();
const run = promisify(execFile);
const BIN = fileURLToPath(new URL('./bin/migrate.js', import.meta.url));

describe('PostgreSQL schema migrations', () => {
  it('migrates a fresh schema once, however many drivers open it at the same moment', async () => {
    const drivers = Array.from({ length: 5 }, () => new PostgresDriver({ url: postgres.url(), schema: 'raced', poolSize: 2 }));
    await Promise.all(drivers.map((driver) => driver.open()));
    await Promise.all(drivers.map((driver) => driver.close()));
    const { rows } = await postgres.pool().query('SELECT version FROM raced.migrations');
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
    expect(SCHEMA_VERSION).toBe(4);
  });

  it('leaves migration to the team with migrate: false: refuses an old schema naming the command, then runs on the migrated one', async () => {
    const driver = new PostgresDriver({ url: postgres.url(), schema: 'by_hand', migrate: false });
    await expect(driver.open()).rejects.toThrow(/schema "by_hand" is at version 0, this package needs 4\. Run `npx nest-jobs-postgres-migrate --url <url> --schema by_hand`/);
    expect(await migratePostgres({ url: postgres.url(), schema: 'by_hand' })).toEqual({ applied: [1, 2, 3, 4], version: 4 });
    expect(await migratePostgres({ pool: postgres.pool(), schema: 'by_hand' })).toEqual({ applied: [], version: 4 });
    await driver.open();
    expect(await driver.enqueue([{ id: 'a', queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0 }])).toEqual([{ id: 'a', created: true, state: 'waiting' }]);
    await driver.close();
  });

  it('upgrades a version 1 schema in place: its jobs keep their state and run, and cancel and flow control work on them', async () => {
    const names = schemaNames('from_v1');
    const client = await postgres.pool().connect();
    try {
      await applyMigrations(client, names, { ...DRIVER_MIGRATIONS, steps: DRIVER_MIGRATIONS.steps.slice(0, 1) });
      const v1 = 'INSERT INTO from_v1.jobs (queue, id, name, payload, priority, max_attempts, run_at, enqueued_at, state, ready_at, seq) VALUES ($1, $2, $3, \'{}\', 0, 1, 0, 0, $4, 0, nextval(\'from_v1.job_seq\'))';
      for (const [id, state] of [['old-1', 'waiting'], ['old-2', 'waiting'], ['old-dead', 'dead']] as const) await client.query(v1, ['q', id, 'n', state]);
    } finally {
      client.release();
    }
    const driver = await postgres.openDriver({ schema: 'from_v1' });
    expect(await driver.counts('q')).toEqual({ blocked: 0, waiting: 2, delayed: 0, active: 0, completed: 0, dead: 1, expired: 0, cancelled: 0 });
    expect(await driver.cancel('q', 'old-2', 'upgraded')).toBe('cancelled');
    expect((await driver.fetch('q', { max: 10, leaseMs: 60_000 })).map((job) => job.id)).toEqual(['old-1']);
    await driver.setFlowLimits('q', { n: { concurrency: 1 } });
    await driver.enqueue([1, 2].map((n) => ({ id: `new-${n}`, queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0, limited: true })));
    // old-1 was not limited: it holds no slot of n, so one limited job starts.
    expect((await driver.fetch('q', { max: 10, leaseMs: 60_000 })).map((job) => job.id)).toEqual(['new-1']);
    expect(await driver.counts('q')).toMatchObject({ waiting: 1, active: 2, dead: 1, cancelled: 1 });
  });

  it('upgrades a version 2 schema in place through dependencies (3) and runtime schedules (4), its jobs untouched', async () => {
    const names = schemaNames('from_v2');
    const client = await postgres.pool().connect();
    try {
      await applyMigrations(client, names, { ...DRIVER_MIGRATIONS, steps: DRIVER_MIGRATIONS.steps.slice(0, 2) });
    } finally {
      client.release();
    }
    const before = await postgres.openDriver({ schema: 'from_v2', migrate: false }).catch((error: unknown) => error);
    expect(String(before)).toContain('schema "from_v2" is at version 2, this package needs 4');
    const driver = await postgres.openDriver({ schema: 'from_v2' });
    await driver.saveSchedule({ name: 'weekly', definition: '{"format":1}' });
    expect(await driver.loadSchedules()).toEqual({ version: 1, schedules: [{ name: 'weekly', definition: '{"format":1}' }] });
    const { rows } = await postgres.pool().query('SELECT version FROM from_v2.migrations ORDER BY version');
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
  });

  it('migrates from the command line, the driver\'s tables or the outbox\'s', async () => {
    const first = await run(process.execPath, [BIN, '--url', postgres.url(), '--schema', 'cli']);
    expect(first.stdout).toContain('driver schema "cli" at version 4 (applied version(s) 1, 2, 3, 4)');
    const again = await run(process.execPath, [BIN, '--url', postgres.url(), '--schema', 'cli']);
    expect(again.stdout).toContain('(already up to date)');
    const outbox = await run(process.execPath, [BIN, '--outbox'], { env: { ...process.env, DATABASE_URL: postgres.url() } });
    expect(outbox.stdout).toContain('outbox schema "nest_jobs" at version 2');
    await expect(run(process.execPath, [BIN], { env: { ...process.env, DATABASE_URL: '' } })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: nest-jobs-postgres-migrate') });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresDriver({ url: postgres.url(), schema: 'x"; DROP TABLE y; --' })).toThrow(/PostgresDriver: schema must be a lower-case SQL identifier/);
    expect(() => new PostgresDriver({})).toThrow(/PostgresDriver: url \(a postgres:\/\/ connection string\) or pool \(a pg.Pool\) is required/);
  });
});
