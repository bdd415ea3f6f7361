import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import type { PostgresDriver } from './postgres.driver.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

const postgres = useSpecPostgres();
let driver: PostgresDriver;

const job = (id: string): NewJob => {
  const now = Date.now();
  return { id, queue: 'mail', name: 'Mail.send', payload: '{"to":"a@b.c"}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now };
};

beforeAll(async () => {
  driver = await postgres.openDriver();
  await postgres.pool().query('CREATE TABLE app_users (email text PRIMARY KEY)');
});

describe('enqueue inside the application\'s transaction', () => {
  it('creates the job when the transaction commits, visible to others only from then on, and wakes workers at commit', async () => {
    const client = await postgres.pool().connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO app_users (email) VALUES ($1)', ['commit@x.test']);
      expect(await driver.enqueueInTransaction(client, [job('commit-1')])).toEqual([{ id: 'commit-1', created: true, state: 'waiting' }]);
      expect(await driver.getJob('mail', 'commit-1')).toBeNull();
      const woken = driver.waitForWork(['mail'], 5_000);
      await client.query('COMMIT');
      expect(await woken).toEqual(['mail']);
    } finally {
      client.release();
    }
    expect(await driver.getJob('mail', 'commit-1')).toMatchObject({ state: 'waiting' });
    expect((await driver.fetch('mail', { max: 10, leaseMs: 10_000 })).map((leased) => leased.id)).toEqual(['commit-1']);
  });

  it('leaves no job, no event and no row when the transaction rolls back', async () => {
    const events: string[] = [];
    const unsubscribe = driver.subscribe((event) => events.push(event.id));
    const client = await postgres.pool().connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO app_users (email) VALUES ($1)', ['rollback@x.test']);
      await driver.enqueueInTransaction(client, [job('rollback-1')]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await driver.enqueue([job('after-rollback')]);
    await waitFor(() => events.includes('after-rollback'));
    unsubscribe();
    expect(await driver.getJob('mail', 'rollback-1')).toBeNull();
    expect(events).not.toContain('rollback-1');
    expect((await postgres.pool().query('SELECT 1 FROM app_users WHERE email = $1', ['rollback@x.test'])).rowCount).toBe(0);
  });

  it('leaves no job when the process dies (kill -9) between the insert and the commit', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./spec-support/enqueue-then-hang.js', import.meta.url)), postgres.url(), 'crash-1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('inserted') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const session = "SELECT state FROM pg_stat_activity WHERE application_name = 'nest-jobs-crash-child'";
    expect((await postgres.pool().query(session)).rows).toEqual([{ state: 'idle in transaction' }]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // The server ends the dead client's session and aborts its transaction.
    await waitFor(async () => (await postgres.pool().query(session)).rowCount === 0);
    expect(await driver.getJob('mail', 'crash-1')).toBeNull();
    expect((await postgres.pool().query('SELECT 1 FROM app_users WHERE email = $1', ['crash-1@crash.test'])).rowCount).toBe(0);
  });

  it('accepts TypeORM shapes: a QueryRunner (rows from query(), isTransactionActive) and an EntityManager of a transaction', async () => {
    const client = await postgres.pool().connect();
    try {
      const queryRunner = { isTransactionActive: true, query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows, manager: {} };
      const entityManager = { queryRunner, query: queryRunner.query };
      await client.query('BEGIN');
      expect(await driver.enqueueInTransaction(queryRunner, [job('typeorm-runner')])).toEqual([{ id: 'typeorm-runner', created: true, state: 'waiting' }]);
      expect(await driver.enqueueInTransaction(entityManager, [job('typeorm-manager'), job('typeorm-runner')])).toEqual([
        { id: 'typeorm-manager', created: true, state: 'waiting' }, { id: 'typeorm-runner', created: false, state: 'waiting' },
      ]);
      await client.query('COMMIT');
      const idle = { isTransactionActive: false, query: queryRunner.query };
      await expect(driver.enqueueInTransaction(idle, [job('typeorm-idle')])).rejects.toThrow(/no active transaction; call startTransaction\(\)/);
      await expect(driver.enqueueInTransaction({ queryRunner: idle, query: queryRunner.query }, [job('typeorm-idle')])).rejects.toThrow(/no active transaction/);
    } finally {
      client.release();
    }
    expect(await driver.getJob('mail', 'typeorm-manager')).toMatchObject({ state: 'waiting' });
    await expect(driver.enqueueInTransaction({} as object, [job('x')])).rejects.toThrow(/transaction option must be a pg Client/);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
