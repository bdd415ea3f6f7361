import { afterAll, describe, expect, it } from '@jest/globals';
import { RedisDriver } from '@nest-jobs/redis';
import type { NewJob } from '@nest-jobs/core/driver';
import { readLedger, type LedgerEntry } from '../fixtures/ledger.js';
import { rawClient, uniquePrefix, useRedisServer } from '../support/redis.js';
import { until } from '../../support/wait.js';
import { recordFault } from '../support/results.js';
import { WorkerProcess } from '../support/worker-process.js';

const SHUTDOWN_MS = 2_000;
const LEASE_MS = 1_000;
/** Short jobs end well inside the drain; long ones would outlast it by far. */
const SHORT_MS = 1_200;
const LONG_MS = 60_000;
const server = useRedisServer();

const ids = (kind: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${kind}-${index}`);

describe('graceful stop of a worker-only process (SIGTERM)', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  });

  /** A fresh prefix, a driver and the ledger on it, and a ready drain-worker with these timings. */
  async function startDraining(label: string, shutdownMs: number) {
    const prefix = uniquePrefix(label);
    const env = { REDIS_URL: server().url, JOBS_PREFIX: prefix, DRAIN_LEASE_MS: String(LEASE_MS), DRAIN_SHUTDOWN_MS: String(shutdownMs) };
    const redis = rawClient(server());
    const driver = new RedisDriver({ url: server().url, prefix });
    const ledger = (): Promise<LedgerEntry[]> => readLedger(redis, `drain:${prefix}:log`);
    const close = async (): Promise<void> => {
      redis.disconnect();
      await driver.close();
    };
    const draining = new WorkerProcess(env, 'drain-worker');
    workers.push(draining);
    await draining.ready().catch(async (error: unknown) => {
      await close();
      throw error;
    });
    return { env, driver, ledger, draining, close };
  }

  it('runs jobs that finish during the drain exactly once and hands the rest back within shutdownTimeout + one lease', async () => {
    const { env, driver, ledger, draining, close } = await startDraining('drain', SHUTDOWN_MS);
    try {
      // The draining worker (8 slots) leases the 8 priority jobs; the backlog waits for its replacement.
      const short = ids('short', 4);
      const long = ids('long', 4);
      const backlog = ids('backlog', 12);
      const now = Date.now();
      const job = (id: string, ms: number, priority: number): NewJob => ({
        id, queue: 'default', name: 'DrainJobs.work', payload: JSON.stringify({ ms }), priority, maxAttempts: 3, runAt: now, enqueuedAt: now,
      });
      await driver.enqueue([...short.map((id) => job(id, SHORT_MS, 10)), ...long.map((id) => job(id, LONG_MS, 10)), ...backlog.map((id) => job(id, 50, 0))]);
      await until('the draining worker to start its 8 jobs', 10_000, async () => {
        const started = (await ledger()).filter((entry) => entry.event === 'started');
        return started.length >= 8 ? started : undefined;
      });

      const termAt = Date.now();
      draining.signal('SIGTERM');
      // A rolling deploy starts the replacement while the old process drains.
      const replacement = new WorkerProcess({ ...env, DRAIN_WORK_CAP_MS: '100' }, 'drain-worker');
      workers.push(replacement);

      // Handed back: waiting again, or already started by the replacement.
      const handoverMs = await until('the long jobs to be handed back', SHUTDOWN_MS + LEASE_MS + 10_000, async () => {
        const entries = await ledger();
        const states = await Promise.all(long.map(async (id) => (await driver.getJob('default', id))?.state));
        const handed = long.every((id, index) => states[index] === 'waiting'
          || entries.some((entry) => entry.id === id && entry.event === 'started' && entry.pid === replacement.pid));
        return handed ? Date.now() - termAt : undefined;
      });
      await draining.exited;
      const drainMs = draining.exitedAt! - termAt;

      await replacement.ready();
      await until('all 20 jobs to complete', 20_000, async () => ((await driver.counts('default')).completed === 20 ? true : undefined));
      const entries = await ledger();
      const of = (id: string, event: string): LedgerEntry[] => entries.filter((entry) => entry.id === id && entry.event === event);
      const all = [...short, ...long, ...backlog];
      const finished = all.map((id) => of(id, 'finished').length);
      const lost = finished.filter((count) => count === 0).length;
      const duplicates = finished.reduce((sum, count) => sum + Math.max(0, count - 1), 0);
      recordFault({
        fault: 'SIGTERM drain (worker-only)', runs: 1, jobs: all.length, lost, duplicates, recoveryMs: handoverMs,
        note: `exit after ${drainMs} ms; bound ${SHUTDOWN_MS}+${LEASE_MS} ms`,
      });
      process.stdout.write(`SIGTERM drain: exit after ${drainMs} ms, long jobs handed back after ${handoverMs} ms, lost ${lost}, duplicates ${duplicates}\n`);

      expect(draining.exitStatus === 0 || draining.exitStatus === 'SIGTERM').toBe(true);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
      // The long jobs held the drain for the whole shutdownTimeout, no longer.
      expect(drainMs).toBeGreaterThanOrEqual(SHUTDOWN_MS - 100);
      expect(drainMs).toBeLessThan(SHUTDOWN_MS + 3_000);
      expect(handoverMs).toBeLessThanOrEqual(SHUTDOWN_MS + LEASE_MS);
      for (const id of short) {
        // Finished during the drain: completed by the draining worker, never started again.
        expect(of(id, 'started').map((entry) => entry.pid)).toEqual([draining.pid]);
        expect(of(id, 'finished').map((entry) => entry.pid)).toEqual([draining.pid]);
        expect(await driver.getJob('default', id)).toMatchObject({ state: 'completed', result: JSON.stringify({ pid: draining.pid }) });
      }
      for (const id of long) {
        expect(of(id, 'started').map((entry) => entry.pid)).toEqual([draining.pid, replacement.pid]);
        const record = await driver.getJob('default', id);
        // Handed back, not failed: the aborted try is not counted and leaves no error.
        expect(record).toMatchObject({ state: 'completed', attempt: 1, errors: [], result: JSON.stringify({ pid: replacement.pid }) });
      }
      for (const id of backlog) expect(of(id, 'started').map((entry) => entry.pid)).toEqual([replacement.pid]);
      expect(await driver.counts('default')).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 20, dead: 0, expired: 0, cancelled: 0 });
    } finally {
      await close();
    }
  });

  it('exits as soon as in-flight jobs finish when they end before shutdownTimeout', async () => {
    const shutdownMs = 8_000;
    const { driver, ledger, draining, close } = await startDraining('drain-quick', shutdownMs);
    try {
      const now = Date.now();
      const jobs = ids('quick', 4);
      await driver.enqueue(jobs.map((id): NewJob => ({
        id, queue: 'default', name: 'DrainJobs.work', payload: JSON.stringify({ ms: SHORT_MS }), priority: 0, maxAttempts: 3, runAt: now, enqueuedAt: now,
      })));
      const lastStart = Math.max(...(await until('the 4 jobs to start', 10_000, async () => {
        const started = (await ledger()).filter((entry) => entry.event === 'started');
        return started.length === jobs.length ? started.map((entry) => entry.at) : undefined;
      })));
      const termAt = Date.now();
      draining.signal('SIGTERM');
      await draining.exited;
      const drainMs = draining.exitedAt! - termAt;
      const workLeftMs = lastStart + SHORT_MS - termAt;
      const finished = (await ledger()).filter((entry) => entry.event === 'finished');
      recordFault({
        fault: 'SIGTERM drain, work ends first', runs: 1, jobs: jobs.length, lost: jobs.length - new Set(finished.map((entry) => entry.id)).size,
        duplicates: finished.length - new Set(finished.map((entry) => entry.id)).size, note: `exit after ${drainMs} ms (work left ${workLeftMs} ms, timeout ${shutdownMs} ms)`,
      });
      process.stdout.write(`SIGTERM drain, work ends first: exit after ${drainMs} ms, work left ${workLeftMs} ms\n`);

      expect(draining.exitStatus === 0 || draining.exitStatus === 'SIGTERM').toBe(true);
      expect(drainMs).toBeGreaterThanOrEqual(workLeftMs - 50);
      expect(drainMs).toBeLessThan(shutdownMs / 2);
      expect(finished.map((entry) => entry.id).sort()).toEqual(jobs);
      expect(await driver.counts('default')).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: jobs.length, dead: 0, expired: 0, cancelled: 0 });
    } finally {
      await close();
    }
  });
});
