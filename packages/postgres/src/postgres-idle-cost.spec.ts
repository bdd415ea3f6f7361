import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job, JobsModule } from '@nest-jobs/core';
import { PostgresDriver } from './postgres.driver.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

// What an idle worker costs the database: statements per second, counted by
// pg_stat_statements. The figure is printed; the bound asserted is generous.
const QUEUES = Number(process.env.IDLE_QUEUES ?? 50);
const IDLE_MS = Number(process.env.IDLE_SECONDS ?? 6) * 1_000;

let app: INestApplicationContext | undefined;
afterAll(async () => {
  await app?.close();
});
const postgres = useSpecPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } });

/** One @Job per queue q0 … q<count-1>, built at run time. */
function manyQueueJobs(count: number): Type {
  @Injectable()
  class ManyQueueJobs {}
  for (let index = 0; index < count; index++) {
    const key = `q${index}`;
    const descriptor: PropertyDescriptor = { value: () => undefined, writable: true, configurable: true };
    Object.defineProperty(ManyQueueJobs.prototype, key, descriptor);
    Job({ queue: key })(ManyQueueJobs.prototype, key, descriptor);
  }
  return ManyQueueJobs;
}

beforeAll(async () => {
  await postgres.pool().query('CREATE EXTENSION pg_stat_statements');
});

describe('PostgresDriver idle cost', () => {
  it(`an idle worker on ${QUEUES} queues sleeps on LISTEN: a handful of statements per wait, no polling`, async () => {
    @Module({ imports: [JobsModule.forRoot({ driver: new PostgresDriver({ url: postgres.url() }), mode: 'all', shutdownTimeout: 500 })], providers: [manyQueueJobs(QUEUES)] })
    class IdleModule {}
    app = await NestFactory.createApplicationContext(IdleModule, { logger: false });
    await app.init();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await postgres.pool().query('SELECT pg_stat_statements_reset()');
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const { rows } = await postgres.pool().query<{ query: string; calls: string }>(
      "SELECT query, calls FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' AND calls > 0 ORDER BY calls DESC");
    const top = rows.filter((row) => !/^(BEGIN|COMMIT)/.test(row.query));
    const calls = top.reduce((sum, row) => sum + Number(row.calls), 0);
    const perSecond = calls / (IDLE_MS / 1_000);
    process.stdout.write(`[pg-idle-cost] ${QUEUES} queues idle ${IDLE_MS / 1_000} s: ${calls} top-level statements (${perSecond.toFixed(2)}/s): ${top.map((row) => `${row.calls}× ${row.query.replace(/\s+/g, ' ').slice(0, 60)}`).join('; ')}\n`);
    // The worker's wait lasts 5 s: one status query per wait (all queues at once), then a fetch per queue named.
    expect(perSecond).toBeLessThan(2);
  }, 30_000);
});
