import { afterAll, describe, expect, it } from '@jest/globals';
import { RedisDriver } from '@nest-jobs/redis';
import type { NewJob } from '@nest-jobs/core/driver';
import { rawClient, uniquePrefix, useRedisServer } from '../support/redis.js';
import { recordFault } from '../support/results.js';
import { WorkerProcess } from '../support/worker-process.js';

const JOBS = Number(process.env.FAULTS_JOBS ?? 10_000);
const WORKERS = 3;
const CONCURRENCY = 4;
const server = useRedisServer();

describe('kill -9 chaos', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  });

  it(`loses none of ${JOBS} jobs while a random worker is SIGKILLed every 2–5 s`, async () => {
    const prefix = uniquePrefix('chaos');
    const env = { REDIS_URL: server().url, JOBS_PREFIX: prefix, CHAOS_CONCURRENCY: String(CONCURRENCY), CHAOS_WORK_MS: process.env.CHAOS_WORK_MS ?? '20' };
    const redis = rawClient(server());
    const driver = new RedisDriver({ url: server().url, prefix });
    try {
      for (let index = 0; index < WORKERS; index++) workers.push(new WorkerProcess(env));
      await Promise.all(workers.map((worker) => worker.ready()));
      const now = Date.now();
      for (let start = 0; start < JOBS; start += 500) {
        const batch: NewJob[] = [];
        for (let index = start; index < Math.min(JOBS, start + 500); index++) {
          batch.push({ id: `job-${index}`, queue: 'default', name: 'ChaosJobs.record', payload: '{}', priority: 0, maxAttempts: 100, runAt: now, enqueuedAt: now });
        }
        await driver.enqueue(batch);
      }

      let kills = 0;
      const recoveries: Promise<number>[] = [];
      const deadline = Date.now() + 240_000;
      let nextKill = Date.now() + 2_000 + Math.random() * 3_000;
      while ((await driver.counts('default')).completed < JOBS) {
        if (Date.now() > deadline) throw new Error(`not done in time: ${JSON.stringify(await driver.counts('default'))}`);
        if (Date.now() >= nextKill) {
          const slot = Math.floor(Math.random() * WORKERS);
          const victim = workers[slot]!;
          const killedAt = Date.now();
          await victim.stop('SIGKILL');
          kills++;
          recoveries.push(recoveryOf(redis, driver, `chaos:${prefix}:inflight:${victim.pid}`, killedAt));
          workers[slot] = new WorkerProcess(env);
          await workers[slot].ready();
          nextKill = Date.now() + 2_000 + Math.random() * 3_000;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const runs = await redis.hgetall(`chaos:${prefix}:runs`);
      const counts = await driver.counts('default');
      const lost = JOBS - Object.keys(runs).length;
      const duplicates = Object.values(runs).reduce((sum, count) => sum + Number(count) - 1, 0);
      const recoveryMs = Math.max(0, ...(await Promise.all(recoveries)));
      recordFault({ fault: 'kill -9 of workers (3 procs)', runs: kills, jobs: JOBS, lost, duplicates, recoveryMs, note: `bound ${kills * CONCURRENCY}` });
      process.stdout.write(`kill -9 chaos: jobs ${JOBS}, kills ${kills}, lost ${lost}, duplicates ${duplicates}, max recovery ${recoveryMs} ms\n`);
      expect(lost).toBe(0);
      expect(counts).toEqual({ waiting: 0, delayed: 0, active: 0, completed: JOBS, dead: 0, expired: 0, cancelled: 0 });
      expect(kills).toBeGreaterThan(0);
      expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY);
    } finally {
      redis.disconnect();
      await driver.close();
    }
  });
});

/** ms from the kill until every job the dead worker was running has completed elsewhere. */
async function recoveryOf(redis: ReturnType<typeof rawClient>, driver: RedisDriver, inflightKey: string, killedAt: number): Promise<number> {
  const orphans = await redis.smembers(inflightKey);
  for (;;) {
    const states = await Promise.all(orphans.map(async (id) => (await driver.getJob('default', id))?.state));
    if (states.every((state) => state === 'completed')) return Date.now() - killedAt;
    if (Date.now() - killedAt > 60_000) return Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
