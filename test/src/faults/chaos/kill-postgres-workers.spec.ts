import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { PostgresDriver } from '@nest-jobs/postgres';
import { startPostgresServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';
import { runChaos } from '../support/chaos-run.js';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import type { WorkerProcess } from '../support/worker-process.js';

// The kill -9 chaos of kill-workers.spec.ts with the jobs in PostgreSQL (the ledger stays in Redis).
const JOBS = Number(process.env.FAULTS_PG_JOBS ?? 3_000);
const ledger = useRedisServer();
let postgres: PostgresServerHandle | undefined;
beforeAll(async () => {
  postgres = await startPostgresServer();
}, 60_000);

describe('kill -9 chaos on PostgresDriver', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await postgres?.stop();
  });

  it(`loses none of ${JOBS} jobs while a random worker is SIGKILLed every 2–5 s`, async () => {
    const driver = new PostgresDriver({ url: postgres!.url });
    await driver.open();
    try {
      await runChaos({ label: 'kill -9 of PostgresDriver workers (3 procs)', jobs: JOBS, ledger: ledger(), prefix: uniquePrefix('pgchaos'), driver, env: { POSTGRES_URL: postgres!.url }, workers });
    } finally {
      await driver.close();
    }
  });
});
