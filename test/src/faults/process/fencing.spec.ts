import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { RedisDriver } from '@nest-jobs/redis';
import type { DriverEvent, NewJob } from '@nest-jobs/core';
import type { FenceMode } from '../fixtures/fence-worker.js';
import { readLedger, type LedgerEntry } from '../fixtures/ledger.js';
import { rawClient, uniquePrefix, useRedisServer } from '../support/redis.js';
import { recordFault } from '../support/results.js';
import { WorkerProcess } from '../support/worker-process.js';

/** Long enough for the rescuer to boot while the stale worker's leases run out, so the takeover time is the lease's, not the boot's. */
const LEASE_MS = 3_000;
/** What the stale worker tries once resumed, one job each, and the driver call that carries it. */
const STALE_WRITES: Record<FenceMode, string> = { complete: 'complete', throw: 'fail', retry: 'fail', unrecoverable: 'fail', extend: 'extend' };
const MODES = Object.keys(STALE_WRITES) as FenceMode[];
const server = useRedisServer();

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The kernel's one-letter state of a process ('T' when stopped), where /proc exists. */
function processState(pid: number): string | undefined {
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) ? readFileSync(stat, 'utf8').split(') ')[1]?.[0] : 'T';
}

describe('fencing of a worker paused past its lease (SIGSTOP / SIGCONT)', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  });

  it('rejects the resumed worker\'s complete, fail, retry, bury and extend of jobs another worker holds', async () => {
    const prefix = uniquePrefix('fence');
    const env = { REDIS_URL: server().url, JOBS_PREFIX: prefix, FENCE_JOBS: String(MODES.length), FENCE_LEASE_MS: String(LEASE_MS) };
    const redis = rawClient(server());
    const driver = new RedisDriver({ url: server().url, prefix });
    const ledger = (): Promise<LedgerEntry[]> => readLedger(redis, `fence:${prefix}:log`);
    const events: DriverEvent[] = [];
    try {
      await driver.registerQueues(['default']);
      const unsubscribe = driver.subscribe((event) => events.push(event));
      const stale = new WorkerProcess({ ...env, FENCE_ROLE: 'stale' }, 'fence-worker');
      workers.push(stale);
      await stale.ready();
      const now = Date.now();
      const ids = MODES.map((mode) => `fence-${mode}`);
      await driver.enqueue(MODES.map((mode, index): NewJob => ({
        id: ids[index]!, queue: 'default', name: 'FenceJobs.work', payload: JSON.stringify({ mode }), priority: 0, maxAttempts: 3, runAt: now, enqueuedAt: now,
      })));
      // Booted only now, so the stale worker has leased every job first.
      const rescuer = new WorkerProcess({ ...env, FENCE_ROLE: 'rescuer' }, 'fence-worker');
      workers.push(rescuer);

      const startsBy = async (pid: number): Promise<LedgerEntry[] | undefined> => {
        const started = (await ledger()).filter((entry) => entry.event === 'started' && entry.pid === pid);
        return started.length === MODES.length ? started : undefined;
      };
      const stoppedAt = Math.max(...(await until('the stale worker to start every job', 10_000, () => startsBy(stale.pid))).map((entry) => entry.at));
      await until('the stale worker to be stopped', 5_000, async () => (processState(stale.pid) === 'T' ? true : undefined));
      await rescuer.ready();
      const recoveryMs = Math.max(...(await until('the rescuer to take every job', 10_000, () => startsBy(rescuer.pid))).map((entry) => entry.at)) - stoppedAt;
      for (const id of ids) expect(await driver.getJob('default', id)).toMatchObject({ state: 'active', attempt: 2 });

      const resumedAt = Date.now();
      stale.signal('SIGCONT');
      // Every stale write has come back from Redis, and the extend's loss has aborted its handler.
      const staleWrites = await until('the stale worker\'s writes', 10_000, async () => {
        const entries = (await ledger()).filter((entry) => entry.pid === stale.pid && entry.at >= resumedAt);
        const writes = MODES.map((mode, index) => entries.find((entry) => entry.id === ids[index] && entry.event === STALE_WRITES[mode]));
        const aborted = entries.find((entry) => entry.event === 'aborted');
        return writes.every(Boolean) && aborted ? { writes: writes as LedgerEntry[], aborted } : undefined;
      });
      const fencedMs = Math.max(...staleWrites.writes.map((entry) => entry.at)) - resumedAt;
      // The stale writes changed nothing: the rescuer still holds every job.
      for (const id of ids) expect(await driver.getJob('default', id)).toMatchObject({ state: 'active', attempt: 2, errors: [expect.objectContaining({ name: 'LeaseExpiredError' })] });

      await redis.set(`fence:${prefix}:log:go`, '1');
      await until('the rescuer to complete every job', 10_000, async () => ((await driver.counts('default')).completed === MODES.length ? true : undefined));
      // Late events (a stale write that slipped through would show here) have time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      unsubscribe();

      const entries = await ledger();
      const terminal = ids.map((id) => events.filter((event) => event.id === id && (event.type === 'completed' || event.type === 'dead')));
      const accepted = staleWrites.writes.filter((entry) => entry.detail !== 'lost').length;
      const lost = ids.length - terminal.filter((list) => list.length > 0).length;
      const duplicates = terminal.reduce((sum, list) => sum + Math.max(0, list.length - 1), 0) + accepted;
      recordFault({
        fault: 'SIGSTOP past lease, SIGCONT (fencing)', runs: 1, jobs: ids.length, lost, duplicates, recoveryMs,
        note: `lease ${LEASE_MS} ms; stale ${MODES.join('/')} rejected ${ids.length - accepted}/${ids.length}, ${fencedMs} ms after SIGCONT`,
      });
      process.stdout.write(`fencing: rescuer took over ${recoveryMs} ms after SIGSTOP; stale writes answered ${fencedMs} ms after SIGCONT: ${staleWrites.writes.map((entry) => `${entry.id} ${entry.event} ${entry.detail}`).join(', ')}\n`);

      expect(staleWrites.writes.map((entry) => [entry.id, entry.event, entry.detail])).toEqual(MODES.map((mode, index) => [ids[index], STALE_WRITES[mode], 'lost']));
      expect(staleWrites.aborted).toMatchObject({ id: 'fence-extend', detail: 'LeaseLostError' });
      expect(recoveryMs).toBeLessThan(LEASE_MS + 3_000);
      for (const [index, id] of ids.entries()) {
        expect(await driver.getJob('default', id)).toMatchObject({
          state: 'completed', attempt: 2, result: JSON.stringify({ by: 'rescuer', pid: rescuer.pid }),
          errors: [expect.objectContaining({ name: 'LeaseExpiredError', attempt: 1 })],
        });
        expect(terminal[index]!.map((event) => event.type)).toEqual(['completed']);
        expect(entries.filter((entry) => entry.id === id && entry.event === 'complete' && entry.pid === rescuer.pid).map((entry) => entry.detail)).toEqual(['ok']);
      }
      expect(await driver.counts('default')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: MODES.length, dead: 0 });
    } finally {
      redis.disconnect();
      await driver.close();
    }
  });
});
