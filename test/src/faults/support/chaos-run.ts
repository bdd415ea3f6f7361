import { expect } from '@jest/globals';
import type { NewJob, QueueDriver } from '@nest-jobs/core/driver';
import type { RedisServerHandle } from '@nest-jobs/redis/testing';
import { rawClient } from './redis.js';
import { recordFault } from './results.js';
import { WorkerProcess } from './worker-process.js';

const WORKERS = 3;
const CONCURRENCY = 4;

export interface ChaosRun {
  /** For the results table, e.g. 'kill -9 of workers (3 procs)'. */
  label: string;
  jobs: number;
  /** The ledger's server (runs and in-flight sets). */
  ledger: RedisServerHandle;
  prefix: string;
  /** The driver the test enqueues and watches through (opened). */
  driver: QueueDriver;
  /** What the worker processes need to reach the same backend. */
  env: Record<string, string>;
  workers: WorkerProcess[];
}

/** Enqueues `jobs`, SIGKILLs a random worker every 2–5 s until all completed, and checks none was lost. */
export async function runChaos(run: ChaosRun): Promise<void> {
  const { driver, jobs, prefix, workers } = run;
  const env = { ...run.env, REDIS_URL: run.ledger.url, JOBS_PREFIX: prefix, CHAOS_CONCURRENCY: String(CONCURRENCY), CHAOS_WORK_MS: process.env.CHAOS_WORK_MS ?? '20' };
  const redis = rawClient(run.ledger);
  try {
    for (let index = 0; index < WORKERS; index++) workers.push(new WorkerProcess(env));
    await Promise.all(workers.map((worker) => worker.ready()));
    const now = Date.now();
    for (let start = 0; start < jobs; start += 500) {
      const batch: NewJob[] = [];
      for (let index = start; index < Math.min(jobs, start + 500); index++) {
        batch.push({ id: `job-${index}`, queue: 'default', name: 'ChaosJobs.record', payload: '{}', priority: 0, maxAttempts: 100, runAt: now, enqueuedAt: now });
      }
      await driver.enqueue(batch);
    }

    let kills = 0;
    const recoveries: Promise<number>[] = [];
    const deadline = Date.now() + 240_000;
    let nextKill = Date.now() + 2_000 + Math.random() * 3_000;
    while ((await driver.counts('default')).completed < jobs) {
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
    const lost = jobs - Object.keys(runs).length;
    const duplicates = Object.values(runs).reduce((sum, count) => sum + Number(count) - 1, 0);
    const recoveryMs = Math.max(0, ...(await Promise.all(recoveries)));
    recordFault({ fault: run.label, runs: kills, jobs, lost, duplicates, recoveryMs, note: `bound ${kills * CONCURRENCY}` });
    process.stdout.write(`${run.label}: jobs ${jobs}, kills ${kills}, lost ${lost}, duplicates ${duplicates}, max recovery ${recoveryMs} ms\n`);
    expect(lost).toBe(0);
    expect(counts).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: jobs, dead: 0, expired: 0, cancelled: 0 });
    expect(kills).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY);
  } finally {
    redis.disconnect();
  }
}

/** ms from the kill until every job the dead worker was running has completed elsewhere. */
async function recoveryOf(redis: ReturnType<typeof rawClient>, driver: QueueDriver, inflightKey: string, killedAt: number): Promise<number> {
  const orphans = await redis.smembers(inflightKey);
  for (;;) {
    const states = await Promise.all(orphans.map(async (id) => (await driver.getJob('default', id))?.state));
    if (states.every((state) => state === 'completed')) return Date.now() - killedAt;
    if (Date.now() - killedAt > 60_000) return Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
