import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeDriverConformance } from '@nest-jobs/core/conformance';
import { Redis } from 'ioredis';
import { RedisDriver } from './redis.driver.js';
import { startRedisCluster, type RedisClusterHandle } from './testing/index.js';

let cluster: RedisClusterHandle | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
});

// Every script touching keys of more than one slot would fail here with CROSSSLOT.
describeDriverConformance('RedisDriver on a 3-master Redis Cluster', () => new RedisDriver({ connection: { nodes: cluster!.nodes }, prefix: 'cluster' }), { timeScale: 3 });

describe('an idle worker on Redis Cluster', () => {
  it('holds a few connections per node and sends few commands on 300 queues, and any node\'s enqueue wakes it', async () => {
    const queues = Array.from({ length: 300 }, (_, index) => `idle${index}`);
    const nodes = cluster!.nodes.map((node) => new Redis(node.port, node.host));
    const worker = new RedisDriver({ connection: { nodes: cluster!.nodes }, prefix: 'idle' });
    const producer = new RedisDriver({ connection: { nodes: cluster!.nodes }, prefix: 'idle' });
    const stats = async (): Promise<Array<{ clients: number; commands: number }>> => Promise.all(nodes.map(async (node) => {
      const text = await node.info();
      const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1]);
      return { clients: field('connected_clients') - 1, commands: field('total_commands_processed') };
    }));
    try {
      await worker.open();
      // First look at every queue (about 1,000 commands): long enough to finish on a loaded machine,
      // where a 1.5 s wait once let its tail land in the measured window (361 commands/s).
      expect(await worker.waitForWork(queues, 4_000)).toEqual([]);
      const before = await stats();
      expect(await worker.waitForWork(queues, 3_000)).toEqual([]);
      const after = await stats();
      const commandsPerSecond = after.reduce((sum, node, index) => sum + node.commands - before[index]!.commands, 0) / 3;
      process.stdout.write(`[idle-cost] cluster, 300 queues idle 3 s: connections per node ${after.map((node) => node.clients).join('/')}, ${commandsPerSecond.toFixed(1)} commands/s\n`);
      for (const node of after) expect(node.clients).toBeLessThanOrEqual(3);
      expect(commandsPerSecond).toBeLessThanOrEqual(50);

      await producer.open();
      for (const queue of ['idle1', 'idle2', 'idle3', 'idle250']) {
        const started = Date.now();
        const waited = worker.waitForWork(queues, 5_000);
        await producer.enqueue([{ id: queue, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now() }]);
        expect(await waited).toEqual([queue]);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
    } finally {
      await Promise.all([worker.close(), producer.close()]);
      nodes.forEach((node) => node.disconnect());
    }
  }, 30_000);
});

describe('one enqueue across queues on Redis Cluster', () => {
  it('stores the jobs of queues in different slots, in one call', async () => {
    const driver = new RedisDriver({ connection: { nodes: cluster!.nodes }, prefix: 'spread' });
    try {
      await driver.open();
      const now = Date.now();
      // Six queues land on at least two of the three masters' slots; 1,200 jobs make several chunks of one queue.
      const queues = ['s1', 's2', 's3', 's4', 's5', 's6'];
      const jobs = [...queues.map((queue) => ({ id: `one-${queue}`, queue })), ...Array.from({ length: 1_200 }, (_, index) => ({ id: `bulk-${index}`, queue: 's1' }))]
        .map(({ id, queue }) => ({ id, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now }));
      const results = await driver.enqueue(jobs);
      expect(results.every((result) => result.created)).toBe(true);
      for (const queue of queues) expect((await driver.counts(queue)).waiting).toBe(queue === 's1' ? 1_201 : 1);
    } finally {
      await driver.close();
    }
  }, 30_000);
});
