export { PostgresDriver } from './postgres.driver.js';
export type { PostgresDriverOptions } from './postgres-driver-options.js';
export { migratePostgres, SCHEMA_VERSION, type MigratePostgresOptions, type MigrationReport } from './migrate.js';
export type { SqlTransaction } from './transaction-query.js';
export { PostgresOutbox, type PostgresOutboxOptions } from './outbox/postgres-outbox.js';
