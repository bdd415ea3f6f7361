import type pg from 'pg';
import { adminV1 } from './v1-admin.sql.js';
import { helpersV1 } from './v1-helpers.sql.js';
import { producerV1 } from './v1-producer.sql.js';
import { tablesV1 } from './v1-tables.sql.js';
import { workerV1 } from './v1-worker.sql.js';
import { outboxV1 } from './v1-outbox.sql.js';
import { outboxV2 } from './v2-outbox.sql.js';
import { fetchV2 } from './v2-fetch.sql.js';
import { flowAdminV2 } from './v2-flow-admin.sql.js';
import { flowLanesV2 } from './v2-flow-lanes.sql.js';
import { flowTablesV2 } from './v2-flow-tables.sql.js';
import { producerV2 } from './v2-producer.sql.js';
import { settleV2 } from './v2-settle.sql.js';
import { dependenciesV3 } from './v3-dependencies.sql.js';
import { runtimeSchedulesV4 } from './v4-runtime-schedules.sql.js';
import { fillTemplate, type SchemaNames } from './schema-names.js';

/** One step of the schema, applied once, in version order, inside one transaction with the others. */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** A line of versions with its own bookkeeping table: the driver's tables, or the outbox's. */
export interface MigrationPlan {
  /** What the versions are of, for messages. */
  label: string;
  /** What a message calls the versioned tables, and how to migrate them: the command's flags, migratePostgres' options. */
  noun: string;
  cliFlags: string;
  codeOptions: string;
  table: string;
  steps: readonly Migration[];
}

export const DRIVER_MIGRATIONS: MigrationPlan = {
  label: 'PostgresDriver',
  noun: 'schema',
  cliFlags: '',
  codeOptions: '',
  table: 'migrations',
  steps: [
    { version: 1, description: 'jobs, queues, schedules; enqueue, fetch, settle and admin functions', sql: tablesV1 + helpersV1 + producerV1 + workerV1 + adminV1 },
    {
      version: 2,
      description: 'flow control (lanes, limits, holds, dedupe, expiry), cancellation, trace context',
      sql: flowTablesV2 + flowLanesV2 + fetchV2 + settleV2 + producerV2 + flowAdminV2,
    },
    { version: 3, description: 'job dependencies (blocked jobs, hand-over on the end of a dependency)', sql: dependenciesV3 },
    { version: 4, description: 'schedules created at runtime: definitions, version, change notice', sql: runtimeSchedulesV4 },
  ],
};

export const OUTBOX_MIGRATIONS: MigrationPlan = {
  label: 'PostgresOutbox',
  noun: 'outbox schema',
  cliFlags: '--outbox ',
  codeOptions: '{ outbox: true }',
  table: 'outbox_migrations',
  steps: [
    { version: 1, description: 'outbox table and write function', sql: outboxV1 },
    { version: 2, description: 'rows the driver refused for good, set aside with the refusal', sql: outboxV2 },
  ],
};

/** The schema version this package's driver needs. */
export const SCHEMA_VERSION = DRIVER_MIGRATIONS.steps.at(-1)!.version;

export interface MigrationReport {
  /** Versions applied by this call, in order (empty: already up to date). */
  applied: number[];
  /** The schema's version now. */
  version: number;
}

/**
 * Brings the schema to the plan's last version on `client` (not in a transaction).
 * An advisory lock per schema serialises concurrent callers, so any number of
 * instances may run it at start-up.
 */
export async function applyMigrations(client: pg.ClientBase, names: SchemaNames, plan: MigrationPlan = DRIVER_MIGRATIONS): Promise<MigrationReport> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nest-jobs:migrate:${names.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.ident}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${names.ident}.${plan.table} (
      version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const current = await schemaVersion(client, names, plan);
    const latest = plan.steps.at(-1)!.version;
    if (current > latest) {
      throw new Error(`${plan.label}: schema "${names.schema}" is at version ${current}, newer than this @nest-jobs/postgres knows (${latest}): upgrade the package.`);
    }
    const applied: number[] = [];
    for (const migration of plan.steps.filter((step) => step.version > current)) {
      await client.query(fillTemplate(migration.sql, names));
      await client.query(`INSERT INTO ${names.ident}.${plan.table} (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(current, ...applied) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** For `migrate: false`: refuses a schema behind `plan`, naming the command that brings it up to date. */
export async function requireSchemaVersion(pool: pg.Pool, names: SchemaNames, plan: MigrationPlan): Promise<void> {
  const version = await schemaVersion(pool, names, plan);
  const needs = plan.steps.at(-1)!.version;
  if (version < needs) {
    throw new Error(`${plan.label}: ${plan.noun} "${names.schema}" is at version ${version}, this package needs ${needs}. ` +
      `Run \`npx nest-jobs-postgres-migrate ${plan.cliFlags}--url <url> --schema ${names.schema}\` (or migratePostgres(${plan.codeOptions})), ` +
      'or leave the migrate option on.');
  }
}

/** The schema's applied version; 0 when it has none yet. */
export async function schemaVersion(client: pg.ClientBase | pg.Pool, names: SchemaNames, plan: MigrationPlan = DRIVER_MIGRATIONS): Promise<number> {
  const exists = await client.query<{ table: string | null }>('SELECT to_regclass($1) AS "table"', [`${names.ident}.${plan.table}`]);
  if (!exists.rows[0]?.table) return 0;
  const result = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${names.ident}.${plan.table}`);
  return result.rows[0]?.version ?? 0;
}
