#!/usr/bin/env node
// nest-jobs-postgres-migrate [--url <url>] [--schema <name>] [--outbox]: applies the driver's (or the outbox's) schema migrations.
import { parseArgs } from 'node:util';
import { migratePostgres } from '../migrate.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, schema: { type: 'string' }, outbox: { type: 'boolean' } } });
const url = values.url ?? process.env.DATABASE_URL;
if (!url) {
  console.error('usage: nest-jobs-postgres-migrate --url postgres://user@host/db [--schema nest_jobs] [--outbox]   (or set DATABASE_URL)');
  process.exit(2);
}
try {
  const report = await migratePostgres({ url, schema: values.schema, outbox: values.outbox });
  const what = report.applied.length ? `applied version(s) ${report.applied.join(', ')}` : 'already up to date';
  console.log(`nest-jobs: ${values.outbox ? 'outbox' : 'driver'} schema "${values.schema ?? 'nest_jobs'}" at version ${report.version} (${what})`);
} catch (error) {
  console.error(`nest-jobs: migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
