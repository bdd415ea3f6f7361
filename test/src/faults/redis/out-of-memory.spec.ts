import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Job, getProducerToken, type JobContext, type Producer } from '@nest-jobs/core';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver, RedisOutOfMemoryError, RedisUnavailableError } from '@nest-jobs/redis';
import { bootJobsApp, rejectionOf } from '../support/boot.js';
import { rawClient, uniquePrefix, useRedisServer } from '../support/redis.js';
import { recordFault } from '../support/results.js';

@Injectable()
class OomJobs {
  readonly runs = new Map<string, number>();

  @Job({ concurrency: 8, attempts: 100 })
  async fill(_payload: { n: number; pad: string }, ctx: JobContext): Promise<void> {
    this.runs.set(ctx.id, (this.runs.get(ctx.id) ?? 0) + 1);
  }
}

const PAD = 'x'.repeat(4_000);
const server = useRedisServer(['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction']);
const quiet = { warn: (): void => undefined };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForCompleted(driver: RedisDriver, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await driver.counts('default')).completed < count && Date.now() < deadline) await sleep(50);
}

/** What every refusal must say: that Redis is out of memory, which limit, and which enqueue. */
function expectExplainsOom(error: Error, queue: string): void {
  expect(error).toBeInstanceOf(RedisUnavailableError); // what apps already catch to answer 503 / retry later
  expect(error).toBeInstanceOf(RedisOutOfMemoryError);
  expect(error.message).toMatch(/out of memory/i);
  expect(error.message).toContain('maxmemory');
  expect(error.message).toContain(`"${queue}"`);
}

describe('Redis out of memory (maxmemory 3mb, noeviction)', () => {
  it('refuses enqueues with an error naming OOM and the queue, loses nothing queued, and processes it all once memory is raised', async () => {
    const prefix = uniquePrefix('oom');
    const producerDriver = new RedisDriver({ url: server().url, prefix, logger: quiet });
    const producerApp = await bootJobsApp([OomJobs], { driver: producerDriver, mode: 'producer' });
    const redis = rawClient(server());
    try {
      const producer = producerApp.get<Producer<OomJobs>>(getProducerToken(OomJobs));
      const acked: string[] = [];
      let producerError: Error | undefined;
      for (let n = 0; n < 5_000 && !producerError; n++) {
        const jobId = `oom-${n}`;
        await producer.enqueue('fill', { n, pad: PAD }, { jobId }).then(
          () => acked.push(jobId),
          (error: unknown) => (producerError = error as Error),
        );
      }
      if (!producerError) throw new Error(`5000 enqueues of 4 KB fitted in maxmemory 3mb (${acked.length} acked)`);
      process.stdout.write(`redis OOM: ${acked.length} jobs fitted; Producer.enqueue: ${producerError.message}\n`);
      expectExplainsOom(producerError, 'default');
      expect(await producerDriver.getJob('default', `oom-${acked.length}`)).toBeNull(); // the refused one left nothing behind

      // The driver directly: one queue (one script call), then two queues (a pipeline) of which one is new.
      const now = Date.now();
      const job = (id: string, queue: string): NewJob => ({
        id, queue, name: 'OomJobs.fill', payload: JSON.stringify({ n: -1, pad: PAD }), priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now,
      });
      // Used memory at the edge moves (Redis frees buffers), so one job may still fit: add them one at
      // a time until one is refused; those that fitted were acknowledged and must run like the others.
      let direct: Error | undefined;
      for (let n = 0; n < 200 && !direct; n++) {
        await producerDriver.enqueue([job(`direct-${n}`, 'default')]).then(() => acked.push(`direct-${n}`), (error: unknown) => (direct = error as Error));
      }
      if (!direct) throw new Error('200 more single-job enqueues fitted after the producer was refused');
      // A queue not seen before, at the same edge: one may still fit (its enqueue is small); each that fits
      // must be stored, and the refusal must name its queue.
      let newQueue: Error | undefined;
      const otherQueues: string[] = [];
      for (let n = 0; n < 200 && !newQueue; n++) {
        await producerDriver.enqueue([job('other-1', `oom-other-${n}`)]).then(() => otherQueues.push(`oom-other-${n}`), (error: unknown) => (newQueue = error as Error));
      }
      if (!newQueue) throw new Error('200 enqueues to new queues fitted after the producer was refused');
      for (const queue of otherQueues) expect(await producerDriver.getJob(queue, 'other-1')).not.toBeNull();
      const pipelined = await rejectionOf(producerDriver.enqueue([...Array.from({ length: 501 }, (_, index) => job(`many-${index}`, 'default'))]));
      process.stdout.write(`redis OOM: driver.enqueue: ${direct.message}\nredis OOM: 501 jobs (pipelined): ${pipelined.message}\nredis OOM: new queue: ${newQueue.message}\n`);
      expectExplainsOom(direct, 'default');
      expectExplainsOom(pipelined, 'default');
      expectExplainsOom(newQueue, `oom-other-${otherQueues.length}`);
      // The 501 go as two script calls; if the refusal freed enough for the second, the error must say it went in.
      const manyStored = (await Promise.all(Array.from({ length: 501 }, (_, index) => producerDriver.getJob('default', `many-${index}`)))).flatMap((record) => (record ? [record.id] : []));
      const storedMany = manyStored.length;
      if (storedMany > 0) expect(pipelined.message).toContain(`Of the same call ${storedMany} job(s) were enqueued all the same: many-`);
      else expect(pipelined.message).not.toContain('enqueued all the same');
      expect((await producerDriver.counts('default')).waiting).toBe(acked.length + storedMany);
      acked.push(...manyStored); // acknowledged by the error text: they must run like any other

      // Top up with small jobs until refused again: the 2 MB pipelined request above freed its buffer on refusal.
      let toppedUp = 0;
      for (let n = 0; n < 2_000; n++, toppedUp++) {
        const jobId = `top-${n}`;
        if (!(await producer.enqueue('fill', { n, pad: '' }, { jobId }).then(() => acked.push(jobId), () => false))) break;
      }
      const memory = await redis.info('memory');
      const used = /^used_memory_human:(\S+)/m.exec(memory)?.[1];

      // Workers start while Redis is at its limit: fetch and complete begin with a freeing write, so the
      // backlog drains there. Lease renewal, fail and progress only grow memory and are refused until it is raised.
      const workerApp = await bootJobsApp([OomJobs], { driver: new RedisDriver({ url: server().url, prefix, logger: quiet }), mode: 'worker', leaseMs: 1_000 });
      try {
        const jobs = workerApp.get(OomJobs);
        const started = Date.now();
        await waitForCompleted(producerDriver, acked.length, 5_000);
        const atLimit = (await producerDriver.counts('default')).completed;
        const atLimitMs = Date.now() - started;
        const raisedAt = Date.now();
        await redis.config('SET', 'maxmemory', '0');
        await waitForCompleted(producerDriver, acked.length, 20_000);
        const recoveryMs = atLimit === acked.length ? atLimitMs : Date.now() - raisedAt;
        const counts = await producerDriver.counts('default');
        const lost = acked.filter((id) => !jobs.runs.has(id)).length;
        const duplicates = [...jobs.runs.values()].filter((count) => count > 1).length;
        process.stdout.write(`redis OOM: topped up ${toppedUp} small jobs, used_memory ${used}; workers completed ${atLimit}/${acked.length} at the limit `
          + `in ${atLimitMs} ms; after raising maxmemory: all done in ${recoveryMs} ms, ${duplicates} run twice, counts ${JSON.stringify(counts)}\n`);
        recordFault({
          fault: 'redis OOM (maxmemory 3mb, noeviction)', runs: 1, jobs: acked.length, lost, duplicates, recoveryMs,
          note: `${atLimit}/${acked.length} completed at the limit; error names OOM, maxmemory, job and queue`,
        });
        expect(lost).toBe(0);
        expect(atLimit).toBe(acked.length);
        expect(duplicates).toBe(0);
        expect(counts).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: acked.length, dead: 0, expired: 0, cancelled: 0 });
      } finally {
        await workerApp.close();
      }
    } finally {
      redis.disconnect();
      await producerApp.close();
    }
  });
});
