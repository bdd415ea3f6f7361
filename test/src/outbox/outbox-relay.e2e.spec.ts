import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migratePostgres, PostgresOutbox } from '@nest-jobs/postgres';
import { startPostgresServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import type { NewJob } from '@nest-jobs/core/driver';
import pg from 'pg';
import { ChildApp } from '../support/child-app.js';
import { eventually } from '../support/wait.js';

const RELAY = fileURLToPath(new URL('./relay-child.js', import.meta.url));
const QUEUE = 'outbox-e2e';
const TRANSACTIONS = 1_000;
const JOBS_PER_TRANSACTION = 10;

let redis: RedisServerHandle | undefined;
let postgres: PostgresServerHandle | undefined;
let pool: pg.Pool | undefined;
let driver: RedisDriver | undefined;
const relays: ChildApp[] = [];

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedisServer(), startPostgresServer()]);
  pool = new pg.Pool({ connectionString: postgres.url, max: 8 });
  // The server's shutdown may reach connections still ending after pool.end().
  pool.on('error', () => undefined);
  await migratePostgres({ pool, outbox: true });
  driver = new RedisDriver({ url: redis.url, prefix: 'outbox' });
  await driver.open();
}, 60_000);

afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop('SIGKILL')));
  await driver?.close();
  await pool?.end();
  await Promise.all([redis?.stop(), postgres?.stop()]);
}, 60_000);

describe('PostgresOutbox relaying to Redis', () => {
  it('runs every committed job once and no rolled-back job, with the relay killed (-9) twice', async () => {
    const outbox = new PostgresOutbox({ pool: pool! });
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    const runs = new Map<string, number>();

    // A worker on the Redis driver: every fetch is a run.
    let working = true;
    const worker = (async () => {
      while (working) {
        const leased = await driver!.fetch(QUEUE, { max: 500, leaseMs: 60_000 });
        for (const job of leased) runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        if (leased.length > 0) await driver!.complete(QUEUE, leased.map((job) => ({ id: job.id, token: job.token, result: 'null' })));
        else await driver!.waitForWork([QUEUE], 200);
      }
    })();

    let relay = await spawnRelay();
    const producing = produce(outbox, committed, rolledBack);
    const total = TRANSACTIONS * JOBS_PER_TRANSACTION;
    for (const share of [1 / 3, 2 / 3]) {
      await eventually(() => runs.size >= total * (2 / 3) * share, `${Math.round(share * 100)}% of the committed jobs to run`, 60_000);
      await relay.stop('SIGKILL');
      relay = await spawnRelay();
    }
    await producing;
    expect(committed.size + rolledBack.size).toBe(total);
    await eventually(() => runs.size >= committed.size, 'every committed job to run', 60_000);
    // Rows a killed relay had pushed but not deleted are pushed again by the next one (a no-op on Redis), then deleted.
    await eventually(async () => (await outbox.lag()).pending === 0, 'the outbox to drain', 30_000);
    // Long enough for a stray second push of a relayed row to be fetched too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    working = false;
    await worker;

    expect([...runs.keys()].filter((id) => rolledBack.has(id))).toEqual([]);
    expect([...committed].filter((id) => !runs.has(id))).toEqual([]);
    expect([...runs].filter(([, count]) => count > 1)).toEqual([]);
    expect(runs.size).toBe(committed.size);
  }, 120_000);

  it('relays a job and its dependent from one transaction (the dependent runs after it) and sets aside a job whose dependency is missing', async () => {
    const queue = 'outbox-deps';
    const warnings: string[] = [];
    const outbox = new PostgresOutbox({ pool: pool!, schema: 'outbox_deps', logger: { warn: (message) => warnings.push(message) } });
    await outbox.start(driver!);
    try {
      const now = Date.now();
      const job = (id: string, dependsOn?: NewJob['dependsOn']): NewJob =>
        ({ id, queue, name: 'Order.step', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now, ...(dependsOn ? { dependsOn } : {}) });
      const client = await pool!.connect();
      try {
        await client.query('BEGIN');
        await outbox.write(client, [job('charge'), job('receipt', [{ queue, id: 'charge' }]), job('orphan', [{ queue, id: 'never-enqueued' }]), job('audit')]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      await eventually(async () => (await outbox.lag()).pending === 0, 'the outbox to drain', 10_000);
      expect(await outbox.lag()).toMatchObject({ rejected: 1 });
      expect(await driver!.getJob(queue, 'receipt')).toMatchObject({ state: 'blocked' });
      expect(await driver!.getJob(queue, 'orphan')).toBeNull();
      expect(warnings).toEqual([expect.stringMatching(/job orphan \(Order\.step, queue "outbox-deps"\) was refused.*never-enqueued/)]);

      const order: string[] = [];
      await eventually(async () => {
        const leased = await driver!.fetch(queue, { max: 10, leaseMs: 60_000 });
        order.push(...leased.map((leasedJob) => leasedJob.id));
        if (leased.length > 0) await driver!.complete(queue, leased.map((leasedJob) => ({ id: leasedJob.id, token: leasedJob.token, result: 'null' })));
        return order.includes('receipt');
      }, 'the dependent to run', 10_000);
      expect(order.indexOf('receipt')).toBeGreaterThan(order.indexOf('charge'));
      expect(order.sort()).toEqual(['audit', 'charge', 'receipt']);
    } finally {
      await outbox.stop();
    }
  }, 60_000);
});

/** A relay process; small batches, so that a kill often lands between a push and its delete. */
async function spawnRelay(): Promise<ChildApp> {
  const relay = new ChildApp({ RELAY_REDIS_URL: redis!.url, RELAY_POSTGRES_URL: postgres!.url, RELAY_PREFIX: 'outbox', RELAY_BATCH: '50' }, RELAY);
  relays.push(relay);
  await relay.waitFor('relay ready');
  return relay;
}

/** 1,000 transactions of 10 jobs on 8 connections; every third one rolls back. */
async function produce(outbox: PostgresOutbox, committed: Set<string>, rolledBack: Set<string>): Promise<void> {
  let next = 0;
  const connection = async (): Promise<void> => {
    const client = await pool!.connect();
    try {
      for (let transaction = next++; transaction < TRANSACTIONS; transaction = next++) {
        const now = Date.now();
        const jobs: NewJob[] = Array.from({ length: JOBS_PER_TRANSACTION }, (_, index) => ({
          id: `t${transaction}-j${index}`, queue: QUEUE, name: 'Outbox.job', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now,
        }));
        await client.query('BEGIN');
        await outbox.write(client, jobs);
        const keep = transaction % 3 !== 0;
        await client.query(keep ? 'COMMIT' : 'ROLLBACK');
        for (const job of jobs) (keep ? committed : rolledBack).add(job.id);
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: 8 }, connection));
}
