import pg from 'pg';

/** Options of {@link PostgresDriver}. */
export interface PostgresDriverOptions {
  /** Connection string, e.g. `postgres://user:pass@host:5432/app`. Give this or `pool`. */
  url?: string;
  /**
   * An existing node-postgres pool (the application's own). The driver borrows
   * connections from it, keeps one for LISTEN while open, and never ends it.
   */
  pool?: pg.Pool;
  /** Schema holding the driver's tables and functions. Default `nest_jobs`. */
  schema?: string;
  /**
   * Apply pending schema migrations at `open()` (default true). False: `open()`
   * only checks the schema's version, for teams that run `migratePostgres()`
   * or `nest-jobs-postgres-migrate` themselves.
   */
  migrate?: boolean;
  /** Connections of the driver's own pool (with `url`). Default 10. */
  poolSize?: number;
  /** Where connection warnings go. Default `console`. */
  logger?: { warn(message: string): void };
}

/** The pool to use and whether the driver owns it (ends it on the last close). */
export function resolvePool(options: PostgresDriverOptions, culprit: string): { pool: pg.Pool; owned: boolean } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${culprit}: options must be an object with url or pool.`);
  if (options.pool && options.url) throw new Error(`${culprit}: give url or pool, not both.`);
  if (options.pool) return { pool: options.pool, owned: false };
  if (typeof options.url !== 'string' || options.url.length === 0) {
    throw new Error(`${culprit}: url (a postgres:// connection string) or pool (a pg.Pool) is required.`);
  }
  const max = options.poolSize ?? 10;
  if (!Number.isInteger(max) || max < 2) throw new Error(`${culprit}: poolSize must be an integer ≥ 2 (one connection listens; got ${String(max)}).`);
  const pool = new pg.Pool({ connectionString: options.url, max });
  return { pool, owned: true };
}
