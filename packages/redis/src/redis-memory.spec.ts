import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core';
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
  id, queue, name: 'Mailer.send', payload: JSON.stringify({ pad: PAD }), priority: 0, maxAttempts: 1, runAt: Date.now(), enqueuedAt: Date.now(),
});

describe('RedisDriver at maxmemory (noeviction)', () => {
  it('refuses an enqueue with RedisOutOfMemoryError naming the job and queue; boots, counts and reads what is queued', async () => {
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
      await expect(driver.enqueue([job('x', 'fresh-queue')])).rejects.toThrow('to "fresh-queue" was refused');

      // A worker started to drain the full Redis registers its (known) queues, and the admin reads still answer.
      await worker.registerQueues(['q']);
      expect(await worker.counts('q')).toEqual({ waiting: queued, delayed: 0, active: 0, completed: 0, dead: 0 });
      expect((await worker.getJob('q', 'j0'))?.state).toBe('waiting');
    } finally {
      await Promise.all([driver.close(), worker.close()]);
    }
  });
});
