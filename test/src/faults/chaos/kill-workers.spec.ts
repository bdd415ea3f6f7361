import { afterAll, describe, it } from '@jest/globals';
import { RedisDriver } from '@nest-jobs/redis';
import { runChaos } from '../support/chaos-run.js';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import type { WorkerProcess } from '../support/worker-process.js';

const JOBS = Number(process.env.FAULTS_JOBS ?? 10_000);
const server = useRedisServer();

describe('kill -9 chaos', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  });

  it(`loses none of ${JOBS} jobs while a random worker is SIGKILLed every 2–5 s`, async () => {
    const prefix = uniquePrefix('chaos');
    const driver = new RedisDriver({ url: server().url, prefix });
    try {
      await runChaos({ label: 'kill -9 of workers (3 procs)', jobs: JOBS, ledger: server(), prefix, driver, env: {}, workers });
    } finally {
      await driver.close();
    }
  });
});
