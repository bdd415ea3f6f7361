import { afterAll, beforeAll } from '@jest/globals';
import pg from 'pg';
import { PostgresDriver } from '../postgres.driver.js';
import type { PostgresDriverOptions } from '../postgres-driver-options.js';
import { startPostgresServer, type PostgresServerHandle, type PostgresServerOptions } from '../testing/index.js';

/** A spec file's own PostgreSQL server, a pool on it, and the drivers it opened. Spec support only. */
export interface SpecPostgres {
  url(): string;
  server(): PostgresServerHandle;
  /** For reading and changing rows directly. */
  pool(): pg.Pool;
  /** An opened PostgresDriver on the server, closed after the file. */
  openDriver(options?: Omit<PostgresDriverOptions, 'url' | 'pool'>): Promise<PostgresDriver>;
}

/** Starts the server before the file's tests; closes drivers, pool and server, in that order, after them. */
export function useSpecPostgres(options: PostgresServerOptions = {}): SpecPostgres {
  let server: PostgresServerHandle | undefined;
  let pool: pg.Pool | undefined;
  const drivers: PostgresDriver[] = [];
  beforeAll(async () => {
    server = await startPostgresServer(options);
    pool = new pg.Pool({ connectionString: server.url, max: 4 });
    // The server's shutdown may reach connections still ending after pool.end().
    pool.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(drivers.map((driver) => driver.close()));
    await pool?.end();
    await server?.stop();
  }, 60_000);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the spec PostgreSQL is not started yet (use it inside tests or hooks)');
    return value;
  };
  return {
    url: () => started(server).url,
    server: () => started(server),
    pool: () => started(pool),
    openDriver: async (driverOptions = {}) => {
      const driver = new PostgresDriver({ url: started(server).url, ...driverOptions });
      drivers.push(driver);
      await driver.open();
      return driver;
    },
  };
}
