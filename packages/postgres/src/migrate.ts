import pg from 'pg';
import { applyMigrations, DRIVER_MIGRATIONS, OUTBOX_MIGRATIONS, type MigrationReport } from './schema/migrations.js';
import { schemaNames } from './schema/schema-names.js';

export { SCHEMA_VERSION, type MigrationReport } from './schema/migrations.js';

/** Options of {@link migratePostgres}. */
export interface MigratePostgresOptions {
  /** Connection string. Give this or `pool`. */
  url?: string;
  pool?: pg.Pool;
  /** Default `nest_jobs`, as PostgresDriver's and PostgresOutbox's. */
  schema?: string;
  /** Migrate PostgresOutbox's table instead of the driver's (an app on Redis with an outbox). Default false. */
  outbox?: boolean;
}

/**
 * Applies the driver's pending schema migrations, for teams that migrate before
 * deploying (then run the driver with `migrate: false`). Safe to run from
 * several places at once; a schema already up to date is left alone.
 */
export async function migratePostgres(options: MigratePostgresOptions): Promise<MigrationReport> {
  const names = schemaNames(options.schema ?? 'nest_jobs', 'migratePostgres');
  if (!options.pool && !options.url) throw new Error('migratePostgres: url (a postgres:// connection string) or pool is required.');
  const client = options.pool ? await options.pool.connect() : new pg.Client({ connectionString: options.url });
  if (!options.pool) await (client as pg.Client).connect();
  try {
    return await applyMigrations(client, names, options.outbox ? OUTBOX_MIGRATIONS : DRIVER_MIGRATIONS);
  } finally {
    if (options.pool) (client as pg.PoolClient).release();
    else await (client as pg.Client).end();
  }
}
