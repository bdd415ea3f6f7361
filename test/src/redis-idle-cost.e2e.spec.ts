import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job, JobsModule, getProducerToken, type Producer } from '@nest-jobs/core';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { Redis } from 'ioredis';
import { sleep } from './support/wait.js';

// Issue 11, items 7 and 8: what an idle worker and handle.result() cost Redis.
// The figures are printed; the bounds asserted are generous (speed is never asserted).
// IDLE_QUEUES, IDLE_SECONDS and RESULT_CALLS scale the measurement up by hand.
const QUEUES = Number(process.env.IDLE_QUEUES ?? 500);
const IDLE_MS = Number(process.env.IDLE_SECONDS ?? 4) * 1_000;
const RESULT_CALLS = Number(process.env.RESULT_CALLS ?? 200);

let redis: RedisServerHandle;
let raw: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
}, 20_000);
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

interface ServerStats { clients: number; commands: number; connectionsReceived: number }

async function serverStats(): Promise<ServerStats> {
  const text = await raw.info();
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1]);
  // Less this test's own connection.
  return { clients: field('connected_clients') - 1, commands: field('total_commands_processed'), connectionsReceived: field('total_connections_received') };
}

const started = new Map<string, number>();

/** One @Job per queue q0 … q<count-1>, built at run time: 2,000 hand-written methods would say nothing more. */
function manyQueueJobs(count: number): Type {
  @Injectable()
  class ManyQueueJobs {}
  for (let index = 0; index < count; index++) {
    const key = `q${index}`;
    const descriptor: PropertyDescriptor = { value: (_payload: unknown, ctx: { id: string }) => void started.set(ctx.id, Date.now()), writable: true, configurable: true };
    Object.defineProperty(ManyQueueJobs.prototype, key, descriptor);
    Job({ queue: key })(ManyQueueJobs.prototype, key, descriptor);
  }
  return ManyQueueJobs;
}

const ended = new Map<string, number>();

@Injectable()
class ResultJobs {
  @Job({ queue: 'results' })
  echo(payload: { n: number }, ctx: { id: string }): { n: number } {
    ended.set(ctx.id, performance.now());
    return payload;
  }
}

async function boot(providers: Type[], prefix: string): Promise<INestApplicationContext> {
  @Module({ imports: [JobsModule.forRoot({ driver: new RedisDriver({ url: redis.url, prefix }), mode: 'all', shutdownTimeout: 500 })], providers })
  class IdleCostModule {}
  return NestFactory.createApplicationContext(IdleCostModule, { logger: false });
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const report = (line: string): void => void process.stdout.write(`[idle-cost] ${line}\n`);

describe('Redis connections and idle cost (issue 11, items 7 and 8)', () => {
  it('handle.result() resolves within milliseconds of completion, on one shared event reader', async () => {
    const app = await boot([ResultJobs], 'results');
    try {
      const producer = app.get<Producer<ResultJobs>>(getProducerToken(ResultJobs));
      await (await producer.enqueue('echo', { n: -1 })).result({ timeout: 5_000 }); // warm-up: connections open
      const before = await serverStats();
      const latencies: number[] = [];
      const startedAt = performance.now();
      for (let n = 0; n < RESULT_CALLS; n++) {
        const handle = await producer.enqueue('echo', { n });
        expect(await handle.result({ timeout: 5_000 })).toEqual({ n });
        latencies.push(performance.now() - ended.get(handle.id)!);
      }
      const totalMs = performance.now() - startedAt;
      const after = await serverStats();
      latencies.sort((a, b) => a - b);
      const [p50, p99] = [percentile(latencies, 0.5), percentile(latencies, 0.99)];
      const opened = after.connectionsReceived - before.connectionsReceived;
      report(`${RESULT_CALLS} sequential enqueue+result: ${Math.round(totalMs)} ms, handler end → result() p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, connections opened ${opened}, clients ${after.clients}`);
      expect(opened).toBeLessThanOrEqual(2);
      expect(p50).toBeLessThan(50);
    } finally {
      await app.close();
    }
  }, 120_000);

  it(`a worker idle on ${QUEUES} queues holds a few connections, sends few commands, and still wakes at once`, async () => {
    const app = await boot([manyQueueJobs(QUEUES)], 'idle');
    const producer = new RedisDriver({ url: redis.url, prefix: 'idle' }); // another process's view: no local wake-up
    try {
      await sleep(1_500); // first look at every queue, then idle
      const before = await serverStats();
      const cpuBefore = process.cpuUsage();
      await sleep(IDLE_MS);
      const after = await serverStats();
      const cpu = process.cpuUsage(cpuBefore);
      const commandsPerSecond = ((after.commands - before.commands) * 1_000) / IDLE_MS;
      const cpuPercent = ((cpu.user + cpu.system) / 1_000 / IDLE_MS) * 100;
      report(`${QUEUES} queues idle ${IDLE_MS / 1_000} s: ${after.clients} connections, ${commandsPerSecond.toFixed(1)} commands/s, CPU ${cpuPercent.toFixed(1)} %`);
      expect(after.clients).toBeLessThanOrEqual(5);
      expect(commandsPerSecond).toBeLessThanOrEqual(50);

      await producer.open();
      const job = (id: string, runAt: number): NewJob => ({ id, queue: 'q123', name: 'ManyQueueJobs.q123', payload: '{}', priority: 0, maxAttempts: 1, runAt, enqueuedAt: Date.now() });
      const wakes: number[] = [];
      const beforeWakes = await serverStats();
      for (let index = 0; index < 5; index++) {
        const enqueuedAt = Date.now();
        await producer.enqueue([job(`now-${index}`, enqueuedAt)]);
        while (!started.has(`now-${index}`)) await sleep(2);
        wakes.push(started.get(`now-${index}`)! - enqueuedAt);
        await sleep(300);
      }
      // Each wake-up fetches the queue it names, not all of them.
      const wakeCommands = (await serverStats()).commands - beforeWakes.commands;
      const runAt = Date.now() + 1_500;
      await producer.enqueue([job('delayed', runAt)]);
      while (!started.has('delayed')) await sleep(5);
      const late = started.get('delayed')! - runAt;
      report(`wake latency of an idle queue (another process enqueues): ${wakes.join(', ')} ms (${wakeCommands} commands for 5 jobs); a job delayed 1.5 s started ${late} ms after its time`);
      expect(wakeCommands).toBeLessThan(QUEUES);
      expect(Math.max(...wakes)).toBeLessThan(1_000);
      expect(late).toBeGreaterThanOrEqual(-20); // server and local clock are the same here
      expect(late).toBeLessThan(1_000);
    } finally {
      await producer.close();
      await app.close();
    }
  }, 120_000);
});
