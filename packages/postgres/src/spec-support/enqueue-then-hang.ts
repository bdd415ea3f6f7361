// Child process of the transactional-enqueue spec: BEGIN, an application row and a job in one
// transaction, then "inserted" on stdout and a hang before COMMIT, until the parent kills it (-9).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresDriver } from '../postgres.driver.js';

const [url, jobId] = process.argv.slice(2) as [string, string];
const driver = new PostgresDriver({ url });
const client = new pg.Client({ connectionString: url, application_name: 'nest-jobs-crash-child' });
await client.connect();
await client.query('BEGIN');
await client.query('INSERT INTO app_users (email) VALUES ($1)', [`${jobId}@crash.test`]);
const now = Date.now();
await driver.enqueueInTransaction(client, [{ id: jobId, queue: 'mail', name: 'Mail.send', payload: JSON.stringify({ nonce: randomUUID() }), priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now }]);
process.stdout.write('inserted\n');
setInterval(() => undefined, 60_000);
