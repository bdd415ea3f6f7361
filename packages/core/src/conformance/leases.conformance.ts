import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { sleep } from './fixture.js';

export function leaseConformance(f: Fixture): void {
  describe('leases and fencing', () => {
    it('puts a job whose lease expired back to waiting, counting the try', async () => {
      const [id] = await f.add({ maxAttempts: 3 });
      await f.fetch(1, f.ms(150));
      await sleep(f.ms(300));
      const [again] = await f.fetch(1, 10_000);
      expect(again?.id).toBe(id);
      expect(again?.attempt).toBe(2);
      expect(again?.errors.map((error) => error.message)).toEqual(['lease expired']);
    });

    it('moves a job to dead when its lease expires on the last try', async () => {
      const [id] = await f.add({ maxAttempts: 1 });
      await f.fetch(1, f.ms(150));
      await sleep(f.ms(300));
      expect(await f.fetch()).toHaveLength(0);
      const job = await f.driver.getJob(f.queue, id!);
      expect(job?.state).toBe('dead');
      expect(job?.errors.at(-1)?.name).toBe('LeaseExpiredError');
    });

    it('keeps a lease alive past its first expiry when extended', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      const [leased] = await f.fetch(1, f.ms(300));
      await sleep(f.ms(150));
      expect(await f.driver.extend(f.queue, [{ id: id!, token: leased!.token }], f.ms(1_000))).toEqual(['ok']);
      await sleep(f.ms(300));
      expect(await f.fetch()).toHaveLength(0);
      expect(await f.driver.complete(f.queue, [{ id: id!, token: leased!.token, result: '1' }])).toEqual(['ok']);
    });

    it('refuses complete, fail, extend, release and progress with a stale token', async () => {
      const [id] = await f.add({ maxAttempts: 3 });
      const [stale] = await f.fetch(1, f.ms(100));
      await sleep(f.ms(250));
      const [fresh] = await f.fetch(1, 10_000);
      expect(fresh?.token).not.toBe(stale!.token);
      const ref = { id: id!, token: stale!.token };
      expect(await f.driver.complete(f.queue, [{ ...ref, result: '"stale"' }])).toEqual(['lost']);
      expect(await f.driver.fail(f.queue, [{ ...ref, error: { message: 'stale' } }])).toEqual(['lost']);
      expect(await f.driver.fail(f.queue, [{ ...ref, error: { message: 'stale' }, retryAt: Date.now() }])).toEqual(['lost']);
      expect(await f.driver.extend(f.queue, [ref], 10_000)).toEqual(['lost']);
      expect(await f.driver.release(f.queue, [ref])).toEqual(['lost']);
      expect(await f.driver.progress(f.queue, ref, '50')).toBe('lost');
      const job = await f.driver.getJob(f.queue, id!);
      expect(job).toMatchObject({ state: 'active', attempt: 2 });
      expect(job?.result).toBeUndefined();
      expect(await f.driver.complete(f.queue, [{ id: id!, token: fresh!.token, result: '"fresh"' }])).toEqual(['ok']);
    });

    it('refuses a second settlement of the same lease', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      const ref = { id: id!, token: leased!.token };
      expect(await f.driver.complete(f.queue, [{ ...ref, result: '1' }])).toEqual(['ok']);
      expect(await f.driver.complete(f.queue, [{ ...ref, result: '2' }])).toEqual(['lost']);
      expect(await f.driver.fail(f.queue, [{ ...ref, error: { message: 'late' } }])).toEqual(['lost']);
      expect((await f.driver.getJob(f.queue, id!))?.result).toBe('1');
    });

    it('settles a lease once even when one batch names it twice, with or without removal', async () => {
      const [kept, removed] = await f.add({}, {});
      const [first, second] = await f.fetch(2);
      const keep = { id: kept!, token: first!.token };
      const drop = { id: removed!, token: second!.token };
      expect(await f.driver.complete(f.queue, [
        { ...drop, result: '1', retention: true }, { ...drop, result: '2' }, { ...keep, result: '3' }, { ...keep, result: '4', retention: true },
      ])).toEqual(['ok', 'lost', 'ok', 'lost']);
      expect(await f.driver.getJob(f.queue, removed!)).toBeNull();
      expect((await f.driver.getJob(f.queue, kept!))?.result).toBe('3');
      expect(await f.driver.counts(f.queue)).toMatchObject({ active: 0, completed: 1 });
      expect((await f.driver.list(f.queue, 'completed', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([kept]);
    });

    it('settles a batch with one outcome per item, in order', async () => {
      const ids = await f.add({}, {}, {});
      const leased = await f.fetch(3);
      const outcomes = await f.driver.complete(f.queue, [
        { id: ids[0]!, token: leased[0]!.token, result: '0' },
        { id: ids[1]!, token: 'not-a-token', result: '1' },
        { id: ids[2]!, token: leased[2]!.token, result: '2' },
      ]);
      expect(outcomes).toEqual(['ok', 'lost', 'ok']);
    });

    it('hands a released lease back without counting the try', async () => {
      const [id] = await f.add({ maxAttempts: 1 });
      const [leased] = await f.fetch();
      expect(await f.driver.release(f.queue, [{ id: id!, token: leased!.token }])).toEqual(['ok']);
      const job = await f.driver.getJob(f.queue, id!);
      expect(job).toMatchObject({ state: 'waiting', attempt: 0 });
      expect((await f.fetch())[0]?.attempt).toBe(1);
    });

    it('puts a released job back at the front of its priority, ahead of jobs enqueued after it', async () => {
      const [first, second] = await f.add({}, {});
      const [leased] = await f.fetch(1);
      expect(leased?.id).toBe(first);
      await f.driver.release(f.queue, [{ id: first!, token: leased!.token }]);
      expect((await f.driver.list(f.queue, 'waiting', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([first, second]);
      expect((await f.fetch(2)).map((job) => [job.id, job.attempt])).toEqual([[first, 1], [second, 1]]);
    });

    it('stores progress for the lease holder', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      expect(await f.driver.progress(f.queue, { id: id!, token: leased!.token }, '{"pct":40}')).toBe('ok');
      expect((await f.driver.getJob(f.queue, id!))?.progress).toBe('{"pct":40}');
    });
  });
}
