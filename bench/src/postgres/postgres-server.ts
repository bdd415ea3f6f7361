import { startPostgresServer as startHarnessServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';

/**
 * A throwaway PostgreSQL on a free loopback port (the tests' harness: durability
 * off, the same for every library), with pg_stat_statements for the cost table.
 */
export function startPostgresServer(): Promise<PostgresServerHandle> {
  return startHarnessServer({ settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: '200' } });
}
