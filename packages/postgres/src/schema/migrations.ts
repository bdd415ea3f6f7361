import type pg from 'pg';
import { adminV1 } from './v1-admin.sql.js';
import { helpersV1 } from './v1-helpers.sql.js';
import { producerV1 } from './v1-producer.sql.js';
import { tablesV1 } from './v1-tables.sql.js';
import { workerV1 } from './v1-worker.sql.js';
import { fillTemplate, type SchemaNames } from './schema-names.js';

/** One step of the schema, applied once, in version order, inside one transaction with the others. */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'jobs, queues, schedules; enqueue, fetch, settle and admin functions', sql: tablesV1 + helpersV1 + producerV1 + workerV1 + adminV1 },
];

/** The schema version this package needs. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export interface MigrationReport {
  /** Versions applied by this call, in order (empty: already up to date). */
  applied: number[];
  /** The schema's version now. */
  version: number;
}

/**
 * Brings the schema to {@link SCHEMA_VERSION} on `client` (not in a transaction).
 * An advisory lock per schema serialises concurrent callers, so any number of
 * instances may run it at start-up.
 */
export async function applyMigrations(client: pg.ClientBase, names: SchemaNames): Promise<MigrationReport> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nest-jobs:migrate:${names.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.ident}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${names.ident}.migrations (
      version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const current = await schemaVersion(client, names);
    if (current > SCHEMA_VERSION) {
      throw new Error(`PostgreSQL schema "${names.schema}" is at version ${current}, newer than this @nest-jobs/postgres knows (${SCHEMA_VERSION}): upgrade the package.`);
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((step) => step.version > current)) {
      await client.query(fillTemplate(migration.sql, names));
      await client.query(`INSERT INTO ${names.ident}.migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(current, ...applied) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The schema's applied version; 0 when it has none yet. */
export async function schemaVersion(client: pg.ClientBase | pg.Pool, names: SchemaNames): Promise<number> {
  const exists = await client.query<{ table: string | null }>('SELECT to_regclass($1) AS "table"', [`${names.ident}.migrations`]);
  if (!exists.rows[0]?.table) return 0;
  const result = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${names.ident}.migrations`);
  return result.rows[0]?.version ?? 0;
}
