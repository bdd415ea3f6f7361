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

    it('takes a fetch across priorities in order, FIFO within each, over separate enqueues', async () => {
      const [a, b, c] = await f.add({ priority: 0 }, { priority: 5 }, { priority: 0 });
      const [d, e, g] = await f.add({ priority: 5 }, { priority: -1 }, { priority: 0 });
      expect((await f.fetch(4)).map((job) => job.id)).toEqual([b, d, a, c]);
      expect((await f.fetch(4)).map((job) => job.id)).toEqual([g, e]);
    });

    it('puts the released jobs of one batch back in their order, ahead of the rest', async () => {
      const [a, b, c] = await f.add({}, {}, {});
      const leased = await f.fetch(2);
      expect(await f.driver.release(f.queue, leased.map((job) => ({ id: job.id, token: job.token })))).toEqual(['ok', 'ok']);
      expect((await f.fetch(3)).map((job) => job.id)).toEqual([a, b, c]);
    });

    it('puts a later release ahead of an earlier one (the job released last runs next)', async () => {
      const [a, b, c] = await f.add({}, {}, {});
      const [first, second] = await f.fetch(2);
      await f.driver.release(f.queue, [{ id: first!.id, token: first!.token }]);
      await f.driver.release(f.queue, [{ id: second!.id, token: second!.token }]);
      expect((await f.fetch(3)).map((job) => job.id)).toEqual([b, a, c]);
    });

    it('starts jobs due at the same moment in the order they were enqueued', async () => {
      const runAt = Date.now() + f.ms(200);
      const ids = await f.add(...Array.from({ length: 20 }, () => ({ runAt })));
      await sleep(f.ms(300));
      expect((await f.fetch(20)).map((job) => job.id)).toEqual(ids);
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

    it('dedupes against completed and dead jobs that are still stored', async () => {
      const [done, failed] = await f.add({}, {});
      const leased = await f.fetch(2);
      await f.driver.complete(f.queue, [{ id: done!, token: leased[0]!.token, result: '1' }]);
      await f.driver.fail(f.queue, [{ id: failed!, token: leased[1]!.token, error: { message: 'x' } }]);
      const results = await f.driver.enqueue([f.job({ id: done! }), f.job({ id: failed! })]);
      expect(results).toEqual([{ id: done, created: false, state: 'completed' }, { id: failed, created: false, state: 'dead' }]);
      expect(await f.driver.counts(f.queue)).toMatchObject({ waiting: 0, completed: 1, dead: 1, expired: 0, cancelled: 0 });
    });

    it('queues a delayed job that fell due behind jobs that were already waiting (FIFO by entry into waiting)', async () => {
      const [delayed] = await f.add({ runAt: Date.now() + f.ms(200) });
      await sleep(f.ms(100));
      const [waiting] = await f.add();
      await sleep(f.ms(250));
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([waiting, delayed]);
    });

    it('issues a distinct token for every fetched job', async () => {
      await f.add({}, {}, {});
      const tokens = (await f.fetch(3)).map((job) => job.token);
      expect(new Set(tokens).size).toBe(3);
      expect(tokens.every((token) => typeof token === 'string' && token.length > 0)).toBe(true);
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      let [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'first' }, retryAt: Date.now() }]);
      [leased] = await f.fetch();
      leased!.payload = 'tampered';
      leased!.errors.push({ message: 'fake', attempt: 9, at: 0 });
      const read = await f.driver.getJob(f.queue, id!);
      read!.errors[0]!.message = 'tampered';
      read!.priority = 99;
      const [listed] = await f.driver.list(f.queue, 'active', { offset: 0, limit: 1 });
      listed!.attempt = 42;
      expect(await f.driver.getJob(f.queue, id!)).toMatchObject({ payload: '{"n":1}', priority: 0, attempt: 2, errors: [expect.objectContaining({ message: 'first' })] });
      expect((await f.driver.getJob(f.queue, id!))?.errors).toHaveLength(1);
    });

    it('stores the job as given and counts a try per fetch', async () => {
      const [id] = await f.add({ payload: '{"to":"a@b.c"}', maxAttempts: 3, priority: 2, scheduledFor: 1_700_000_000_000 });
      const [leased] = await f.fetch();
      expect(leased).toMatchObject({ id, name: 'conformance.job', queue: f.queue, payload: '{"to":"a@b.c"}', maxAttempts: 3, priority: 2, attempt: 1, state: 'active', scheduledFor: 1_700_000_000_000 });
      expect(typeof leased!.token).toBe('string');
      expect(leased!.leaseUntil).toBeGreaterThan(Date.now());
    });
  });
}
