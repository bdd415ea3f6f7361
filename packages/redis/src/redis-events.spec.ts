import { describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { decodeEvents } from './codec.js';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// Scripts write their events as one stream entry per run; the cap must still
// mean "about 10k recent events", whether entries hold one event or fifty.
const redis = useSpecRedis();

const job = (id: string, now: number): NewJob => ({ id, queue: 'q', name: 'Events.job', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now });

async function eventsKept(prefix: string): Promise<{ events: number; entries: number }> {
  const entries = await redis.raw().xrange(`{${prefix}:q}:events`, '-', '+');
  const events = entries.reduce((sum, [, fields]) => sum + decodeEvents('q', fields).length, 0);
  return { events, entries: entries.length };
}

describe('RedisDriver event stream', () => {
  it('batches a call\'s events into few entries and keeps about 10k events', async () => {
    const driver = new RedisDriver({ url: redis.url(), prefix: 'batched' });
    await driver.open();
    try {
      const now = Date.now();
      for (let call = 0; call < 30; call++) {
        await driver.enqueue(Array.from({ length: 1_000 }, (_, index) => job(`b${call}-${index}`, now)));
      }
      const { events, entries } = await eventsKept('batched');
      // Sized by the entry being written: a shorter last entry of a call makes it approximate.
      expect(events).toBeGreaterThanOrEqual(9_000);
      expect(events).toBeLessThanOrEqual(16_000);
      expect(entries).toBeLessThanOrEqual(400);
    } finally {
      await driver.close();
    }
  });

  it('keeps about 10k events when every entry holds one', async () => {
    const driver = new RedisDriver({ url: redis.url(), prefix: 'single' });
    await driver.open();
    try {
      const now = Date.now();
      // One call at a time, so no two enqueues share a script run.
      for (let index = 0; index < 11_000; index++) await driver.enqueue([job(`s${index}`, now)]);
      const { events, entries } = await eventsKept('single');
      expect(entries).toBe(events);
      expect(events).toBeGreaterThanOrEqual(10_000);
      expect(events).toBeLessThanOrEqual(10_200);
    } finally {
      await driver.close();
    }
  });
});
