import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { migratePostgres, SCHEMA_VERSION } from './migrate.js';
import { PostgresDriver } from './postgres.driver.js';
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
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('leaves migration to the team with migrate: false: refuses an old schema naming the command, then runs on the migrated one', async () => {
    const driver = new PostgresDriver({ url: postgres.url(), schema: 'by_hand', migrate: false });
    await expect(driver.open()).rejects.toThrow(/schema "by_hand" is at version 0, this package needs 1\. Run `npx nest-jobs-postgres-migrate --url <url> --schema by_hand`/);
    expect(await migratePostgres({ url: postgres.url(), schema: 'by_hand' })).toEqual({ applied: [1], version: 1 });
    expect(await migratePostgres({ pool: postgres.pool(), schema: 'by_hand' })).toEqual({ applied: [], version: 1 });
    await driver.open();
    expect(await driver.enqueue([{ id: 'a', queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0 }])).toEqual([{ id: 'a', created: true, state: 'waiting' }]);
    await driver.close();
  });

  it('migrates from the command line, the driver\'s tables or the outbox\'s', async () => {
    const first = await run(process.execPath, [BIN, '--url', postgres.url(), '--schema', 'cli']);
    expect(first.stdout).toContain('driver schema "cli" at version 1 (applied version(s) 1)');
    const again = await run(process.execPath, [BIN, '--url', postgres.url(), '--schema', 'cli']);
    expect(again.stdout).toContain('(already up to date)');
    const outbox = await run(process.execPath, [BIN, '--outbox'], { env: { ...process.env, DATABASE_URL: postgres.url() } });
    expect(outbox.stdout).toContain('outbox schema "nest_jobs" at version 1');
    await expect(run(process.execPath, [BIN], { env: { ...process.env, DATABASE_URL: '' } })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: nest-jobs-postgres-migrate') });
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresDriver({ url: postgres.url(), schema: 'x"; DROP TABLE y; --' })).toThrow(/PostgresDriver: schema must be a lower-case SQL identifier/);
    expect(() => new PostgresDriver({})).toThrow(/PostgresDriver: url \(a postgres:\/\/ connection string\) or pool \(a pg.Pool\) is required/);
  });
});
