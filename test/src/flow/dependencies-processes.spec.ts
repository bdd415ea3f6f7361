import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobHandle } from '@nest-jobs/core';
import { FLOW_MERGE_QUEUE, FLOW_QUEUE } from './fixtures/flow-jobs.js';
import { FlowDeployment, until, type FlowBackend } from './support/flow-deployment.js';

// Job dependencies across processes: three worker processes run the parts of a fan-in and its completion
// job (in another queue: on a Cluster another hash slot); one of them is killed with SIGKILL half-way.

const flow = new FlowDeployment();
beforeAll(() => flow.start(), 20_000);
afterEach(() => flow.undeploy(), 20_000);
afterAll(() => flow.stop(), 20_000);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const backends: Array<[string, FlowBackend]> = [['one Redis', 'redis'], ['a 3-master Redis Cluster', 'cluster'], ['one PostgreSQL', 'postgres']];

describe.each(backends)('fan-in across processes on %s', (target, backend) => {
  it('runs the completion job of 1,000 parts exactly once, after all of them, though a worker is killed (kill -9) half-way', async () => {
    const { producer, admin } = await flow.deploy(backend);
    const parts = await producer.enqueueMany(Array.from({ length: 1_000 }, (_, n) => ({ job: 'part' as const, payload: { n, ms: 5 } })));
    const done = await producer.enqueue('merge', {}, { dependsOn: parts });
    expect(await done.state()).toBe('blocked');
    await until(async () => (await flow.ledgerLength()) >= 500, 'half of the parts', 60_000);
    flow.workers[0]!.kill('SIGKILL');
    expect(await done.result({ timeout: 60_000 })).toBe(1_000);
    const merges = await flow.entries('merge');
    expect(merges).toHaveLength(1);
    expect(merges[0]!.tenant).toBe('1000:ordered');
    const record = (await admin.get(FLOW_MERGE_QUEUE, done.id))!;
    const finished = await finishTimes(admin.get.bind(admin), parts);
    const lastPart = Math.max(...finished);
    expect(record.startedAt!.getTime()).toBeGreaterThanOrEqual(lastPart);
    const partsRun = new Set((await flow.entries('part')).map((entry) => entry.id)).size;
    console.log(`[${target}] fan-in of 1,000 with a worker killed half-way: completion job started ${record.startedAt!.getTime() - lastPart} ms after the last part completed (${partsRun} parts ran; merge ran once)`);
    expect(record.dependencies!.every((dependency) => dependency.state === 'completed')).toBe(true);
  }, 120_000);

  it('starts a completion job soon after its last part completes (20 fan-ins of 10)', async () => {
    const { producer, admin } = await flow.deploy(backend);
    const latencies: number[] = [];
    for (let round = 0; round < 20; round++) {
      const parts = await producer.enqueueMany(Array.from({ length: 10 }, (_, n) => ({ job: 'part' as const, payload: { n, ms: 1 } })));
      const done = await producer.enqueue('merge', {}, { dependsOn: parts });
      expect(await done.result({ timeout: 20_000 })).toBe(10);
      const started = (await admin.get(FLOW_MERGE_QUEUE, done.id))!.startedAt!.getTime();
      latencies.push(started - Math.max(...(await finishTimes(admin.get.bind(admin), parts))));
    }
    console.log(`[${target}] last dependency completed -> dependent started: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms over 20 fan-ins of 10 (3 worker processes)`);
    expect(latencies.every((latency) => latency >= 0)).toBe(true);
    expect(median(latencies)).toBeLessThan(1_000);
  }, 120_000);
});

/** Finish times (epoch ms, the backend's clock) of the given jobs. */
async function finishTimes(get: (queue: string, id: string) => Promise<{ finishedAt?: Date } | null>, handles: ReadonlyArray<JobHandle<unknown>>): Promise<number[]> {
  const times: number[] = [];
  for (let start = 0; start < handles.length; start += 100) {
    const jobs = await Promise.all(handles.slice(start, start + 100).map((handle) => get(FLOW_QUEUE, handle.id)));
    for (const job of jobs) times.push(job!.finishedAt!.getTime());
  }
  return times;
}
