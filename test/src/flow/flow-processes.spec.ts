import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FLOW_QUEUE, type LedgerEntry } from './fixtures/flow-jobs.js';
import { FlowDeployment, until, type FlowBackend } from './support/flow-deployment.js';

// Flow control across real processes: three JOBS_MODE=worker processes on a redis-server this file
// starts on a free port (then on a 3-master Redis Cluster, then on a PostgreSQL server it starts too),
// jobs enqueued by a producer app in this process. Each handler appends its start and end to a ledger (a Redis list on the
// standalone server), so every limit is checked against what handlers did.

const RATE_SECONDS = Number(process.env.FLOW_RATE_SECONDS ?? 10);
const flow = new FlowDeployment();
const deploy = (backend: FlowBackend): ReturnType<FlowDeployment['deploy']> => flow.deploy(backend);
const entries = (job?: string): Promise<LedgerEntry[]> => flow.entries(job);

beforeAll(() => flow.start(), 20_000);
afterEach(() => flow.undeploy(), 20_000);
afterAll(() => flow.stop(), 20_000);

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
function limitsAcrossProcesses(target: string, backend: FlowBackend, rateSeconds: number): void {
describe(`flow control across three worker processes on ${target}`, () => {
  it(`starts at most 50 rate-limited jobs in any 1-s window for ${rateSeconds} s, about 50 per second in all`, async () => {
    const { producer, admin } = await deploy(backend);
    const total = 50 * rateSeconds + 300;
    await producer.enqueueMany(Array.from({ length: total }, (_, n) => ({ job: 'rated' as const, payload: { n } })));
    const began = Date.now();
    await new Promise((resolve) => setTimeout(resolve, rateSeconds * 1_000));
    await flow.stopWorkers();
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
    const { producer, admin } = await deploy(backend);
    const jobs = 60;
    await producer.enqueueMany(Array.from({ length: jobs }, () => ({ job: 'capped' as const, payload: { ms: 100 } })));
    await until(async () => (await entries('capped')).some((entry) => entry.phase === 'start'), 'a first start', 10_000);
    // kill -9 a process that holds a slot now.
    const holding = (await entries('capped')).find((entry) => entry.phase === 'start')!.pid;
    const victim = flow.workers.find((worker) => worker.pid === holding)!;
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
    const { producer, admin } = await deploy(backend);
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

  it('does not use attempts for RateLimitedError: jobs held 40 times each complete at their first attempt', async () => {
    const { producer, admin } = await deploy(backend);
    const until2 = Date.now() + 1_000;
    const handles = await producer.enqueueMany(Array.from({ length: 20 }, () => ({ job: 'storm' as const, payload: { until: until2 } })));
    await until(async () => (await entries('storm')).length === 20, 'the storm jobs', 30_000);
    const records = await Promise.all(handles.map((handle) => admin.get(FLOW_QUEUE, handle.id)));
    console.log(`[${target}] flow 429 storm: 20 jobs held for 1 s by RateLimitedError(25 ms), completed at attempt ${[...new Set(records.map((job) => job?.attempt))].join(',')}`);
    // Tries counted: the one that completed, plus any whose lease lapsed (a loaded machine); never a hold.
    const unlike = records.filter((job) => !(job?.state === 'completed' && job.attempt === 1 + job.errors.length && job.errors.every((error) => error.name === 'LeaseExpiredError')));
    expect(unlike.map((job) => ({ state: job?.state, attempt: job?.attempt, errors: job?.errors }))).toEqual([]);
  }, 60_000);
});
}

limitsAcrossProcesses('one Redis', 'redis', RATE_SECONDS);
limitsAcrossProcesses('a 3-master Redis Cluster', 'cluster', Math.min(RATE_SECONDS, 5));
limitsAcrossProcesses('one PostgreSQL', 'postgres', Math.min(RATE_SECONDS, 5));

// Throughput-bound cases: on one server of each kind.
describe.each([['one Redis', 'redis'], ['one PostgreSQL', 'postgres']] as Array<[string, FlowBackend]>)('fairness and no head-of-line blocking across three worker processes on %s', (target, backend) => {
  it('starts a small group that enqueued after 100,000 jobs of another group within a few turns', async () => {
    const { producer } = await deploy(backend);
    for (let chunk = 0; chunk < 100; chunk++) {
      await producer.enqueueMany(Array.from({ length: 1_000 }, () => ({ job: 'fair' as const, payload: { tenant: 'big' } })));
    }
    const enqueuedAt = Date.now();
    await producer.enqueueMany(Array.from({ length: 10 }, () => ({ job: 'fair' as const, payload: { tenant: 'small' } })));
    await until(async () => (await entries('fair')).length === 10, 'the small group', 30_000);
    const waits = (await entries('fair')).map((entry) => entry.at - enqueuedAt).sort((a, b) => a - b);
    console.log(`[${target}] flow fairness: 10 small-group jobs started ${waits[0]}–${waits[9]} ms after their enqueue, behind a 100,000-job group`);
    expect(waits[9]).toBeLessThan(5_000);
  }, 120_000);

  it('keeps other job types at full speed behind 5,000 jobs held by their rate limit', async () => {
    const { producer, admin } = await deploy(backend);
    const plainRun = async (count: number): Promise<number> => {
      await flow.clearLedger();
      const began = Date.now();
      await producer.enqueueMany(Array.from({ length: count }, () => ({ job: 'plain' as const, payload: {} })));
      await until(async () => (await flow.ledgerLength()) >= count, `${count} plain jobs`, 60_000);
      return Date.now() - began;
    };
    await plainRun(2_000); // warm-up: the first run of a process is slower (JIT, connections)
    const alone = await plainRun(10_000);
    await producer.enqueueMany(Array.from({ length: 5_000 }, () => ({ job: 'throttled' as const, payload: {} })));
    const behind = await plainRun(10_000);
    const counts = (await admin.queues()).find((queue) => queue.name === FLOW_QUEUE)!.counts;
    console.log(`[${target}] flow head-of-line: 10,000 plain jobs in ${alone} ms alone, ${behind} ms behind 5,000 rate-limited jobs (${counts.waiting} still waiting)`);
    expect(counts.waiting).toBe(4_999);
    expect(behind).toBeLessThan(alone * 2 + 2_000);
  }, 120_000);

});
