import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { getProducerToken, JobsAdmin, type Producer } from '@nest-jobs/core';
import { startRedisCluster, startRedisServer, type RedisClusterHandle, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { Redis } from 'ioredis';
import { closeLedger, FLOW_QUEUE, FlowJobs, FlowModule, LEDGER_KEY, type LedgerEntry } from './fixtures/flow-jobs.js';

// Flow control across real processes: three JOBS_MODE=worker processes on a redis-server this file
// starts on a free port (then on a 3-master Redis Cluster it starts too), jobs enqueued by a producer
// app in this process. Each handler appends its start and end to a ledger (a Redis list on the
// standalone server), so every limit is checked against what handlers did.

const WORKER = fileURLToPath(new URL('./fixtures/flow-worker.js', import.meta.url));
const RATE_SECONDS = Number(process.env.FLOW_RATE_SECONDS ?? 10);

let redis: RedisServerHandle;
let cluster: RedisClusterHandle | undefined;
let reader: Redis;
let workers: ChildProcess[] = [];
let producerApp: INestApplicationContext | undefined;
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url);
}, 20_000);
afterEach(async () => {
  await stopWorkers();
  await producerApp?.close();
  producerApp = undefined;
}, 20_000);
afterAll(async () => {
  await stopWorkers();
  await closeLedger();
  await reader?.quit();
  await redis?.stop();
  await cluster?.stop();
}, 20_000);

/** A fresh prefix per test (nothing shared), three workers on it, and a producer. */
async function deploy(onCluster: boolean, workerCount = 3): Promise<{ producer: Producer<FlowJobs>; admin: JobsAdmin; prefix: string }> {
  const prefix = `flow${++prefixes}`;
  await reader.del(LEDGER_KEY);
  if (onCluster) cluster ??= await startRedisCluster(3);
  const nodes = onCluster ? cluster!.nodes : undefined;
  producerApp = await NestFactory.createApplicationContext(FlowModule.forRoot({ url: redis.url, nodes, prefix, mode: 'producer' }), { logger: ['error'] });
  await producerApp.init();
  workers = Array.from({ length: workerCount }, () => fork(WORKER, [], {
    env: { ...process.env, FLOW_REDIS_URL: redis.url, FLOW_PREFIX: prefix, ...(nodes && { FLOW_CLUSTER_NODES: JSON.stringify(nodes) }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('exit', (code) => reject(new Error(`flow worker exited with ${code} before it was ready`)));
  })));
  return { producer: producerApp.get<Producer<FlowJobs>>(getProducerToken(FlowJobs)), admin: producerApp.get(JobsAdmin), prefix };
}

async function stopWorkers(): Promise<void> {
  await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
    if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
    worker.once('exit', () => resolve());
    worker.kill('SIGTERM');
    setTimeout(() => worker.kill('SIGKILL'), 5_000).unref();
  })));
  workers = [];
}

async function entries(job?: string): Promise<LedgerEntry[]> {
  const all = (await reader.lrange(LEDGER_KEY, 0, -1)).map((line) => JSON.parse(line) as LedgerEntry);
  return job === undefined ? all : all.filter((entry) => entry.job === job);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Most jobs running at once, from start/end entries (a start without an end runs until `openUntil`). */
function peakOverlap(ledger: LedgerEntry[], openUntil: number, key: (entry: LedgerEntry) => string = () => ''): Map<string, number> {
  const edges = new Map<string, Array<[number, number]>>();
  const ended = new Set(ledger.filter((entry) => entry.phase === 'end').map((entry) => `${entry.id}:${entry.attempt}`));
  for (const entry of ledger) {
    const list = edges.get(key(entry)) ?? edges.set(key(entry), []).get(key(entry))!;
    // Ends before starts at the same instant: a slot handed on is not an overlap.
    if (entry.phase === 'start') list.push([entry.at, 1]);
    else list.push([entry.at, -1]);
    if (entry.phase === 'start' && !ended.has(`${entry.id}:${entry.attempt}`)) list.push([openUntil, -1]);
  }
  const peaks = new Map<string, number>();
  for (const [name, list] of edges) {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let peak = 0;
    for (const [, delta] of list) peak = Math.max(peak, (running += delta));
    peaks.set(name, peak);
  }
  return peaks;
}

/** The limits, with three worker processes on `target`. */
function limitsAcrossProcesses(target: string, onCluster: boolean, rateSeconds: number): void {
describe(`flow control across three worker processes on ${target}`, () => {
  it(`starts at most 50 rate-limited jobs in any 1-s window for ${rateSeconds} s, about 50 per second in all`, async () => {
    const { producer, admin } = await deploy(onCluster);
    const total = 50 * rateSeconds + 300;
    await producer.enqueueMany(Array.from({ length: total }, (_, n) => ({ job: 'rated' as const, payload: { n } })));
    const began = Date.now();
    await new Promise((resolve) => setTimeout(resolve, rateSeconds * 1_000));
    await stopWorkers();
    // Start times as Redis took them (the fetch that leased each job), from the job records.
    const completed = await admin.list(FLOW_QUEUE, 'completed', { limit: 1_000 });
    const starts = completed.map((job) => job.startedAt!.getTime()).sort((a, b) => a - b);
    let worst = 0;
    for (let first = 0, last = 0; first < starts.length; first++) {
      while (last < starts.length && starts[last]! < starts[first]! + 1_000) last++;
      worst = Math.max(worst, last - first);
    }
    const perProcess = new Set((await entries('rated')).map((entry) => entry.pid)).size;
    console.log(`[${target}] flow rate: ${starts.length} starts in ${((Date.now() - began) / 1000).toFixed(1)} s over ${perProcess} processes; busiest 1-s window ${worst}`);
    expect(worst).toBeLessThanOrEqual(50);
    expect(starts.length).toBeGreaterThanOrEqual(Math.floor(50 * rateSeconds * 0.9));
    expect(starts.length).toBeLessThanOrEqual(Math.ceil(50 * (rateSeconds + 1) * 1.1));
    // The limit is the cluster's, not each process's: more than one process took starts from it.
    expect(perProcess).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('never runs more than 3 of a globalConcurrency 3 job, also when the process holding slots is killed', async () => {
    const { producer, admin } = await deploy(onCluster);
    const jobs = 60;
    await producer.enqueueMany(Array.from({ length: jobs }, () => ({ job: 'capped' as const, payload: { ms: 100 } })));
    await until(async () => (await entries('capped')).some((entry) => entry.phase === 'start'), 'a first start', 10_000);
    // kill -9 a process that holds a slot now.
    const holding = (await entries('capped')).find((entry) => entry.phase === 'start')!.pid;
    const victim = workers.find((worker) => worker.pid === holding)!;
    victim.kill('SIGKILL');
    const killedAt = Date.now();
    await until(async () => (await admin.queues()).find((queue) => queue.name === FLOW_QUEUE)!.counts.completed === jobs, 'all capped jobs completed', 60_000);
    const ledger = await entries('capped');
    // A try killed with its process ran until the kill.
    const peak = peakOverlap(ledger, killedAt).get('')!;
    const lost = ledger.filter((entry) => entry.phase === 'start' && entry.pid === holding && !ledger.some((end) => end.phase === 'end' && end.id === entry.id && end.attempt === entry.attempt));
    console.log(`[${target}] flow globalConcurrency: peak ${peak} running over 3 processes of concurrency 10; ${lost.length} try(s) killed with their process, all ${jobs} completed ${Date.now() - killedAt} ms after the kill`);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBe(3);
  }, 90_000);

  it('runs at most 2 jobs per group at once, with 20 groups', async () => {
    const { producer, admin } = await deploy(onCluster);
    const tenants = Array.from({ length: 20 }, (_, n) => `t${n}`);
    await producer.enqueueMany(tenants.flatMap((tenant) => Array.from({ length: 10 }, () => ({ job: 'tenant' as const, payload: { tenant, ms: 30 } }))));
    await until(async () => (await admin.queues()).find((queue) => queue.name === FLOW_QUEUE)!.counts.completed === 200, 'all tenant jobs', 60_000);
    const peaks = peakOverlap(await entries('tenant'), Date.now(), (entry) => entry.tenant!);
    const overall = peakOverlap(await entries('tenant'), Date.now()).get('')!;
    console.log(`[${target}] flow groups: peak per group ${Math.max(...peaks.values())}, peak across groups ${overall}`);
    expect(peaks.size).toBe(20);
    expect(Math.max(...peaks.values())).toBeLessThanOrEqual(2);
    // Groups really ran side by side.
    expect(overall).toBeGreaterThan(2);
  }, 60_000);

  it('does not use attempts for RateLimitedError: a job with one attempt held 40 times still completes', async () => {
    const { producer, admin } = await deploy(onCluster);
    const until2 = Date.now() + 1_000;
    const handles = await producer.enqueueMany(Array.from({ length: 20 }, () => ({ job: 'storm' as const, payload: { until: until2 } })));
    await until(async () => (await entries('storm')).length === 20, 'the storm jobs', 30_000);
    const records = await Promise.all(handles.map((handle) => admin.get(FLOW_QUEUE, handle.id)));
    console.log(`[${target}] flow 429 storm: 20 one-attempt jobs held for 1 s by RateLimitedError(25 ms), all completed at attempt ${[...new Set(records.map((job) => job?.attempt))].join(',')}`);
    expect(records.every((job) => job?.state === 'completed' && job.attempt === 1 && job.errors.length === 0)).toBe(true);
  }, 60_000);
});
}

limitsAcrossProcesses('one Redis', false, RATE_SECONDS);
limitsAcrossProcesses('a 3-master Redis Cluster', true, Math.min(RATE_SECONDS, 5));

// Throughput-bound cases: on one Redis only.
describe('fairness and no head-of-line blocking across three worker processes on one Redis', () => {
  it('starts a small group that enqueued after 100,000 jobs of another group within a few turns', async () => {
    const { producer } = await deploy(false);
    for (let chunk = 0; chunk < 100; chunk++) {
      await producer.enqueueMany(Array.from({ length: 1_000 }, () => ({ job: 'fair' as const, payload: { tenant: 'big' } })));
    }
    const enqueuedAt = Date.now();
    await producer.enqueueMany(Array.from({ length: 10 }, () => ({ job: 'fair' as const, payload: { tenant: 'small' } })));
    await until(async () => (await entries('fair')).length === 10, 'the small group', 30_000);
    const waits = (await entries('fair')).map((entry) => entry.at - enqueuedAt).sort((a, b) => a - b);
    console.log(`flow fairness: 10 small-group jobs started ${waits[0]}–${waits[9]} ms after their enqueue, behind a 100,000-job group`);
    expect(waits[9]).toBeLessThan(5_000);
  }, 120_000);

  it('keeps other job types at full speed behind 5,000 jobs held by their rate limit', async () => {
    const { producer, admin } = await deploy(false);
    const plainRun = async (count: number): Promise<number> => {
      await reader.del(LEDGER_KEY);
      const began = Date.now();
      await producer.enqueueMany(Array.from({ length: count }, () => ({ job: 'plain' as const, payload: {} })));
      await until(async () => (await reader.llen(LEDGER_KEY)) >= count, `${count} plain jobs`, 60_000);
      return Date.now() - began;
    };
    await plainRun(2_000); // warm-up: the first run of a process is slower (JIT, connections)
    const alone = await plainRun(10_000);
    await producer.enqueueMany(Array.from({ length: 5_000 }, () => ({ job: 'throttled' as const, payload: {} })));
    const behind = await plainRun(10_000);
    const counts = (await admin.queues()).find((queue) => queue.name === FLOW_QUEUE)!.counts;
    console.log(`flow head-of-line: 10,000 plain jobs in ${alone} ms alone, ${behind} ms behind 5,000 rate-limited jobs (${counts.waiting} still waiting)`);
    expect(counts.waiting).toBe(4_999);
    expect(behind).toBeLessThan(alone * 2 + 2_000);
  }, 120_000);

});
