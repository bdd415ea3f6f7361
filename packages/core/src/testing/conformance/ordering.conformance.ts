import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { sleep } from './fixture.js';

export function orderingConformance(f: Fixture): void {
  describe('ordering and enqueue', () => {
    it('fetches FIFO within a priority', async () => {
      const ids = await f.add({}, {}, {}, {}, {});
      expect((await f.fetch(10)).map((job) => job.id)).toEqual(ids);
    });

    it('fetches higher priority first, FIFO among equals, negatives last', async () => {
      const [low, high1, mid, high2, negative] = await f.add({ priority: 0 }, { priority: 10 }, { priority: 5 }, { priority: 10 }, { priority: -3 });
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([high1, high2, mid, low, negative]);
    });

    it('orders the extreme priorities exactly', async () => {
      const [min, max, zero] = await f.add({ priority: -1_000_000 }, { priority: 1_000_000 }, { priority: 0 });
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([max, zero, min]);
    });

    it('respects fetch max and leaves the rest waiting', async () => {
      await f.add({}, {}, {}, {}, {});
      expect(await f.fetch(2)).toHaveLength(2);
      expect((await f.driver.counts(f.queue)).waiting).toBe(3);
    });

    it('does not fetch a delayed job before its time, and fetches it after', async () => {
      const [id] = await f.add({ runAt: Date.now() + f.ms(300) });
      expect((await f.driver.getJob(f.queue, id!))?.state).toBe('delayed');
      expect(await f.fetch()).toHaveLength(0);
      await sleep(f.ms(400));
      expect((await f.fetch()).map((job) => job.id)).toEqual([id]);
    });

    it('returns created: false and changes nothing for an existing id', async () => {
      const job = f.job({ id: 'same-id', payload: '{"v":1}' });
      const [first] = await f.driver.enqueue([job]);
      const [second] = await f.driver.enqueue([{ ...job, payload: '{"v":2}', priority: 9 }]);
      expect(first).toEqual({ id: 'same-id', created: true, state: 'waiting' });
      expect(second).toEqual({ id: 'same-id', created: false, state: 'waiting' });
      expect((await f.driver.getJob(f.queue, 'same-id'))?.payload).toBe('{"v":1}');
    });

    it('creates exactly one job from 100 concurrent enqueues of one id', async () => {
      const job = f.job({ id: 'raced' });
      const results = await Promise.all(Array.from({ length: 100 }, () => f.driver.enqueue([job])));
      expect(results.flat().filter((result) => result.created)).toHaveLength(1);
      expect((await f.driver.counts(f.queue)).waiting).toBe(1);
    });

    it('returns batch outcomes in input order, duplicates included', async () => {
      const results = await f.driver.enqueue([f.job({ id: 'a' }), f.job({ id: 'b', runAt: Date.now() + 60_000 }), f.job({ id: 'a' })]);
      expect(results).toEqual([
        { id: 'a', created: true, state: 'waiting' },
        { id: 'b', created: true, state: 'delayed' },
        { id: 'a', created: false, state: 'waiting' },
      ]);
    });

    it('stores the job as given and counts a try per fetch', async () => {
      const [id] = await f.add({ payload: '{"to":"a@b.c"}', maxAttempts: 3, priority: 2, scheduledFor: 1_700_000_000_000 });
      const [leased] = await f.fetch();
      expect(leased).toMatchObject({ id, name: 'conformance.job', queue: f.queue, payload: '{"to":"a@b.c"}', maxAttempts: 3, priority: 2, attempt: 1, state: 'active', scheduledFor: 1_700_000_000_000 });
      expect(typeof leased!.token).toBe('string');
      expect(leased!.leaseUntil).toBeGreaterThan(Date.now());
    });
  });

  describe('waiting for work', () => {
    it('wakes an idle wait promptly on enqueue', async () => {
      const started = Date.now();
      const waited = f.driver.waitForWork([f.queue], f.ms(5_000));
      await sleep(f.ms(50));
      await f.add();
      await waited;
      expect(Date.now() - started).toBeLessThan(f.ms(1_500));
    });

    it('returns at once when a job is already waiting', async () => {
      await f.add();
      const started = Date.now();
      await f.driver.waitForWork([f.queue], f.ms(5_000));
      expect(Date.now() - started).toBeLessThan(f.ms(500));
    });

    it('wakes when a delayed job falls due', async () => {
      await f.add({ runAt: Date.now() + f.ms(300) });
      const started = Date.now();
      await f.driver.waitForWork([f.queue], f.ms(5_000));
      expect(Date.now() - started).toBeLessThan(f.ms(1_500));
      expect(await f.fetch()).toHaveLength(1);
    });

    it('times out when nothing comes, and stops on abort', async () => {
      const started = Date.now();
      await f.driver.waitForWork([f.queue], f.ms(200));
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      const controller = new AbortController();
      const aborted = f.driver.waitForWork([f.queue], f.ms(10_000), controller.signal);
      setTimeout(() => controller.abort(), f.ms(50));
      const abortStart = Date.now();
      await aborted;
      expect(Date.now() - abortStart).toBeLessThan(f.ms(1_500));
    });
  });
}
