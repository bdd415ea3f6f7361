import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { RedisDriver } from './redis.driver.js';
import { RedisOutOfMemoryError, RedisUnavailableError } from './redis-unavailable.error.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer({ args: ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction'] });
});
afterAll(async () => {
  await server.stop();
});

const PAD = 'x'.repeat(4_000);
const job = (id: string, queue = 'q'): NewJob => ({
  id, queue, name: 'Mailer.send', payload: JSON.stringify({ pad: PAD }), priority: 0, maxAttempts: 2, runAt: Date.now(), enqueuedAt: Date.now(),
});

describe('RedisDriver at maxmemory (noeviction)', () => {
  it('refuses an enqueue with RedisOutOfMemoryError naming the job and queue; boots, counts, reads and drains what is queued', async () => {
    const driver = new RedisDriver({ url: server.url, prefix: 'mem', logger: { warn: () => undefined } });
    const worker = new RedisDriver({ url: server.url, prefix: 'mem', logger: { warn: () => undefined } });
    try {
      let queued = 0;
      let refusal: unknown;
      while (refusal === undefined && queued < 5_000) {
        await driver.enqueue([job(`j${queued}`)]).then(() => queued++, (error: unknown) => (refusal = error));
      }
      expect(refusal).toBeInstanceOf(RedisOutOfMemoryError);
      expect(refusal).toBeInstanceOf(RedisUnavailableError);
      expect(String(refusal)).toContain(`Redis at redis://127.0.0.1:${server.port} is out of memory: enqueue of 1 job(s) (Mailer.send) to "q" was refused`);
      expect(String(refusal)).toContain('maxmemory');
      // A refusal frees its request's buffers, so memory may dip just under the limit: top up until refused again.
      let fresh: unknown;
      for (let index = 0; fresh === undefined && index < 1_000; index++) {
        await driver.enqueue([job(`x${index}`, 'fresh-queue')]).catch((error: unknown) => (fresh = error));
      }
      expect(String(fresh)).toContain('to "fresh-queue" was refused');

      // A worker started to drain the full Redis registers its (known) queues, and the admin reads still answer.
      await worker.registerQueues(['q']);
      expect(await worker.counts('q')).toEqual({ blocked: 0, waiting: queued, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 });
      expect((await worker.getJob('q', 'j0'))?.state).toBe('waiting');

      // The backlog drains at the limit: fetch and complete start with a write that frees memory.
      // A lapsed lease too: its recovery inside fetch also frees before it writes.
      const [first] = await worker.fetch('q', { max: 1, leaseMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      let completed = 0;
      for (;;) {
        const leased = await worker.fetch('q', { max: 50, leaseMs: 30_000 });
        if (leased.length === 0) break;
        const outcomes = await worker.complete('q', leased.map((lease) => ({ id: lease.id, token: lease.token, result: 'null' })));
        completed += outcomes.filter((outcome) => outcome === 'ok').length;
      }
      expect(completed).toBe(queued);
      expect((await worker.getJob('q', first!.id))?.attempt).toBe(2);
      expect(await worker.counts('q')).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: queued, dead: 0, expired: 0, cancelled: 0 });
    } finally {
      await Promise.all([driver.close(), worker.close()]);
    }
  });
});
