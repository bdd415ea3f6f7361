import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { ProcessGroup } from './support/app-process.js';
import { eventually, signUpAll, sleep } from './support/http.js';
import { tally, type Execution } from './support/ledger.js';
import { deploy, EMAIL_QUEUE, recordsOf, signupEmails, type Deployment } from './support/setup.js';

// Real processes on a redis-server this file starts on a free port (never the machine's 6379):
// one web process that only enqueues, two JOBS_MODE=worker processes that run the jobs.
// Each worker's EmailJobs.sendEmail appends its starts and finishes to its own ledger file
// (sample app hook JOBS_LEDGER_FILE), so "ran exactly once" is read from what the handlers did.

const JOBS = 2_000;
const LEASE_MS = 1_500;
/** Per worker: 16 emails at once, 50 ms each, so a worker always holds leases while busy. */
const WORKLOAD = { EMAIL_CONCURRENCY: '16', EMAIL_SEND_MS: '50', JOBS_LEASE_MS: String(LEASE_MS) };

let redis: RedisServerHandle;
let scratchDir: string;
const group = new ProcessGroup();
const deployments: Deployment[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  scratchDir = mkdtempSync(join(tmpdir(), 'nest-jobs-multiprocess-'));
}, 20_000);
afterEach(async () => {
  await group.killAll();
  await Promise.all(deployments.splice(0).map((deployment) => deployment.inspector.close()));
}, 20_000);
afterAll(async () => {
  await group.killAll();
  await redis?.stop();
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
}, 20_000);

async function start(): Promise<Deployment> {
  const deployment = await deploy({ group, redis, scratchDir, workers: 2, env: WORKLOAD });
  deployments.push(deployment);
  return deployment;
}

async function queueSettled(deployment: Deployment): Promise<boolean> {
  const counts = await deployment.inspector.counts(EMAIL_QUEUE);
  return counts.completed === JOBS && counts.waiting === 0 && counts.active === 0 && counts.delayed === 0 && counts.dead === 0;
}

const starts = (entries: Execution[]): Execution[] => entries.filter((entry) => entry.phase === 'start');
const dones = (entries: Execution[]): Execution[] => entries.filter((entry) => entry.phase === 'done');

describe('one web process and two worker processes on one Redis', () => {
  it('runs 2,000 jobs posted over HTTP exactly once, spread over both workers', group.explainFailures(async () => {
    const deployment = await start();
    const began = Date.now();
    const ids = await signUpAll(deployment.baseUrl, signupEmails(JOBS, 'once'));
    const postedMs = Date.now() - began;
    expect(new Set(ids).size).toBe(JOBS);

    await eventually(() => queueSettled(deployment), `${JOBS} completed jobs in Redis`, 60_000);
    const finishedMs = Date.now() - began;
    // Stay on for two leases: a lease that lapsed under a live worker would show up as a second run.
    await sleep(2 * LEASE_MS);

    const [ledgerA, ledgerB] = deployment.ledgers.map((ledger) => ledger.read()) as [Execution[], Execution[]];
    const runs = tally(starts([...ledgerA, ...ledgerB]), (entry) => entry.id);
    const duplicates = [...runs].filter(([, count]) => count > 1);
    expect(duplicates).toEqual([]);
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    const finishes = tally(dones([...ledgerA, ...ledgerB]), (entry) => entry.id);
    expect(finishes.size).toBe(JOBS);
    expect([...finishes.values()].every((count) => count === 1)).toBe(true);
    expect([...ledgerA, ...ledgerB].every((entry) => entry.attempt === 1)).toBe(true);
    // Both workers took a real share.
    expect(starts(ledgerA).length).toBeGreaterThan(JOBS / 10);
    expect(starts(ledgerB).length).toBeGreaterThan(JOBS / 10);

    const records = await recordsOf(deployment.inspector, ids);
    expect(records.filter((record) => record.state !== 'completed' || record.attempt !== 1 || record.errors.length > 0)).toEqual([]);

    console.log(`[multiprocess] exactly once: ${JOBS} jobs posted in ${postedMs} ms, all completed after ${finishedMs} ms; ` +
      `worker-a ran ${starts(ledgerA).length}, worker-b ${starts(ledgerB).length}, duplicates ${duplicates.length}`);
  }), 90_000);

  it('kill -9 of a worker mid-run: the other completes its leased jobs after lease expiry, attempt 2, nothing lost', group.explainFailures(async () => {
    const deployment = await start();
    const [victim, survivor] = [deployment.workers[0]!, deployment.workers[1]!];
    const [victimLedger, survivorLedger] = [deployment.ledgers[0]!, deployment.ledgers[1]!];

    const posting = signUpAll(deployment.baseUrl, signupEmails(JOBS, 'crash'));
    posting.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled meanwhile
    await eventually(
      () => victimLedger.done().length + survivorLedger.done().length >= JOBS / 4 && victimLedger.unfinished().length >= 4,
      'worker-a to be a quarter through, with jobs in its hands',
      60_000,
      10,
    );
    const killedAt = Date.now();
    const exit = await victim.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const victimRuns = victimLedger.read(); // final: the process is gone
    const heldAtDeath = victimLedger.unfinished().map((entry) => entry.id);
    expect(heldAtDeath.length).toBeGreaterThan(0);

    const ids = await posting;
    expect(new Set(ids).size).toBe(JOBS);
    await eventually(() => queueSettled(deployment), `${JOBS} completed jobs after the crash`, 60_000);
    const survivorRuns = survivorLedger.read();
    expect(survivor.running).toBe(true);

    // Nothing lost: every posted job finished in a handler, and is stored as completed.
    const finished = new Set(dones([...victimRuns, ...survivorRuns]).map((entry) => entry.id));
    expect(ids.filter((id) => !finished.has(id))).toEqual([]);
    const records = await recordsOf(deployment.inspector, ids);
    expect(records.filter((record) => record.state !== 'completed')).toEqual([]);

    // The jobs worker-a died holding were run again by worker-b, as attempt 2, once their lease had lapsed.
    const survivorStarts = starts(survivorRuns);
    for (const id of heldAtDeath) {
      expect(survivorStarts.filter((entry) => entry.id === id).map((entry) => entry.attempt)).toEqual([2]);
    }
    const rerunStarts = survivorStarts.filter((entry) => entry.attempt === 2);
    const earliestRerun = Math.min(...rerunStarts.map((entry) => entry.at));
    expect(earliestRerun - killedAt).toBeGreaterThanOrEqual(LEASE_MS / 3); // not before the lease could have lapsed
    const rerunIds = new Set(rerunStarts.map((entry) => entry.id));
    const recovered = dones(survivorRuns).filter((entry) => rerunIds.has(entry.id));
    const recoveryMs = Math.max(...recovered.map((entry) => entry.at)) - killedAt;
    expect(recoveryMs).toBeLessThan(LEASE_MS + 8_000);

    // Attempt counted in the store: exactly the re-run jobs are on attempt 2, each with the lapsed lease as its error.
    const onAttempt2 = records.filter((record) => record.attempt === 2);
    expect(onAttempt2.map((record) => record.id).sort()).toEqual([...rerunIds].sort());
    expect(onAttempt2.filter((record) => record.errors.map((error) => error.name).join() !== 'LeaseExpiredError')).toEqual([]);
    // Recovered (put back in the queue, behind the backlog) when a fetch of worker-b found the lease lapsed.
    const lapseFoundMs = Math.min(...onAttempt2.map((record) => record.errors[0]!.at)) - killedAt;
    expect(lapseFoundMs).toBeGreaterThanOrEqual(LEASE_MS / 3);
    expect(lapseFoundMs).toBeLessThan(LEASE_MS + 6_000);
    expect(records.filter((record) => record.attempt !== 1 && record.attempt !== 2)).toEqual([]);

    // Re-run jobs were worker-a's: worker-b never ran them as attempt 1. Worker-a may have died before its
    // handler started (lease granted, reply not yet read) or after it finished (ack not yet written).
    const survivorRunsPerId = tally(survivorStarts, (entry) => entry.id);
    expect([...rerunIds].filter((id) => survivorRunsPerId.get(id) !== 1)).toEqual([]);
    const victimIds = new Set(starts(victimRuns).map((entry) => entry.id));
    const victimFinished = new Set(dones(victimRuns).map((entry) => entry.id));
    const leasedNeverStarted = [...rerunIds].filter((id) => !victimIds.has(id)).length;
    const finishedUnacked = [...rerunIds].filter((id) => victimFinished.has(id)).length;
    // At-least-once, not more: apart from those, every job ran exactly once.
    const runs = tally(starts([...victimRuns, ...survivorRuns]), (entry) => entry.id);
    const twice = [...runs].filter(([, count]) => count > 1).map(([id]) => id);
    expect(twice.filter((id) => !rerunIds.has(id))).toEqual([]);
    expect([...runs.values()].every((count) => count <= 2)).toBe(true);

    console.log(`[multiprocess] kill -9: worker-a killed after ${starts(victimRuns).length} starts holding ${heldAtDeath.length} unfinished; ` +
      `${rerunIds.size} jobs re-run as attempt 2 by worker-b (${heldAtDeath.length} mid-handler, ${leasedNeverStarted} leased but not started, ` +
      `${finishedUnacked} finished but not acknowledged on worker-a); ` +
      `lapsed leases found ${lapseFoundMs} ms after the kill, first re-run at ${earliestRerun - killedAt} ms, all re-runs done at ${recoveryMs} ms (lease ${LEASE_MS} ms); lost 0`);
  }), 90_000);
});
