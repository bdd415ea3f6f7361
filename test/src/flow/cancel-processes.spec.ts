import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FLOW_QUEUE } from './fixtures/flow-jobs.js';
import { FlowDeployment, until, type FlowBackend } from './support/flow-deployment.js';

// Cancellation from another process: three worker processes on Redis (or PostgreSQL) run the jobs; this process
// cancels them. The handlers' ledger says when each saw its signal abort, and with what reason.

const flow = new FlowDeployment();
beforeAll(() => flow.start(), 20_000);
afterEach(() => flow.undeploy(), 20_000);
afterAll(() => flow.stop(), 20_000);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const backends: Array<[string, FlowBackend]> = [['one Redis', 'redis'], ['a 3-master Redis Cluster', 'cluster'], ['one PostgreSQL', 'postgres']];

describe.each(backends)('cancelling jobs running in other processes on %s', (target, backend) => {
  it('aborts each running job\'s signal with JobCancelledError within 100 ms, and the job ends cancelled, never retried', async () => {
    const { producer, admin } = await flow.deploy(backend);
    const handles = await producer.enqueueMany(Array.from({ length: 10 }, () => ({ job: 'patient' as const, payload: {} })));
    await until(async () => (await flow.entries('patient')).length === 10, 'all 10 running', 15_000);
    const latencies: number[] = [];
    for (const handle of handles) {
      const began = Date.now();
      expect(await handle.cancel('no longer needed')).toBe(true);
      await until(async () => (await flow.entries('patient')).some((entry) => entry.id === handle.id && entry.phase === 'abort'), 'the abort', 5_000);
      latencies.push((await flow.entries('patient')).find((entry) => entry.id === handle.id && entry.phase === 'abort')!.at - began);
    }
    const aborts = (await flow.entries('patient')).filter((entry) => entry.phase === 'abort');
    console.log(`[${target}] cancel -> ctx.signal abort in another process: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms over 10 jobs on ${new Set(aborts.map((entry) => entry.pid)).size} processes`);
    expect(aborts.every((entry) => entry.reason === 'JobCancelledError')).toBe(true);
    expect(median(latencies)).toBeLessThanOrEqual(100);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past a lease: nothing retried it
    const counts = (await admin.queues()).find((queue) => queue.name === FLOW_QUEUE)!.counts;
    expect(counts).toMatchObject({ cancelled: 10, active: 0, waiting: 0, delayed: 0, completed: 0 });
    expect((await flow.entries('patient')).filter((entry) => entry.phase === 'start')).toHaveLength(10);
    await expect(handles[0]!.result({ timeout: 1_000 })).rejects.toThrow(/was cancelled: no longer needed/);
  }, 60_000);

  it('refuses the outcome of a handler that ignores its signal: the job stays cancelled', async () => {
    const { producer, admin } = await flow.deploy(backend, 1);
    const handle = await producer.enqueue('stubborn', { ms: 500 });
    await until(async () => (await flow.entries('stubborn')).length === 1, 'the start', 15_000);
    expect(await admin.cancel(FLOW_QUEUE, handle.id)).toBe(true);
    await until(async () => (await flow.entries('stubborn')).some((entry) => entry.phase === 'end'), 'the stubborn end', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const job = await admin.get(FLOW_QUEUE, handle.id);
    expect(job).toMatchObject({ state: 'cancelled', attempt: 1 });
    expect(job!.result).toBeUndefined();
  }, 60_000);
});
