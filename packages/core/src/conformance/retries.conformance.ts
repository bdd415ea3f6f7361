import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { sleep } from './fixture.js';

export function retryConformance(f: Fixture): void {
  describe('failures, retries and dead letters', () => {
    it('delays a failed try until retryAt, keeping the error with its stack', async () => {
      const [id] = await f.add({ maxAttempts: 3 });
      const [leased] = await f.fetch();
      const retryAt = Date.now() + f.ms(300);
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at x' }, retryAt }]);
      const job = await f.driver.getJob(f.queue, id!);
      expect(job?.state).toBe('delayed');
      expect(job?.runAt).toBe(retryAt);
      expect(job?.errors).toEqual([expect.objectContaining({ name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at x', attempt: 1 })]);
      expect(await f.fetch()).toHaveLength(0);
      await sleep(f.ms(400));
      expect((await f.fetch())[0]).toMatchObject({ id, attempt: 2 });
    });

    it('makes a job retried with retryAt now waiting at once', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      const [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'again' }, retryAt: Date.now() - 1 }]);
      expect((await f.driver.getJob(f.queue, id!))?.state).toBe('waiting');
    });

    it('retries without recording an error when none is given (ctx.retry)', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      const [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, retryAt: Date.now() }]);
      expect((await f.driver.getJob(f.queue, id!))?.errors).toEqual([]);
    });

    it('moves a job to dead when no retryAt is given, keeping every error', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      let [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'first' }, retryAt: Date.now() }]);
      [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'second' } }]);
      const job = await f.driver.getJob(f.queue, id!);
      expect(job?.state).toBe('dead');
      expect(job?.finishedAt).toBeDefined();
      expect(job?.errors.map((error) => [error.message, error.attempt])).toEqual([['first', 1], ['second', 2]]);
    });

    it('keeps only the last 20 errors, oldest dropped first', async () => {
      const [id] = await f.add({ maxAttempts: 30 });
      for (let attempt = 1; attempt <= 22; attempt++) {
        const [leased] = await f.fetch();
        await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: `try ${attempt}` }, retryAt: Date.now() }]);
      }
      const errors = (await f.driver.getJob(f.queue, id!))?.errors ?? [];
      expect(errors).toHaveLength(20);
      expect([errors[0]?.attempt, errors.at(-1)?.attempt, errors.at(-1)?.message]).toEqual([3, 22, 'try 22']);
    });

    it('runs a dead job again on manual retry, with fresh tries', async () => {
      const [id, waiting] = await f.add({ maxAttempts: 1 }, {});
      const [leased] = await f.fetch(1);
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'x' } }]);
      expect(await f.driver.retry(f.queue, waiting!)).toBe(false);
      expect(await f.driver.retry(f.queue, 'no-such-job')).toBe(false);
      expect(await f.driver.retry(f.queue, id!)).toBe(true);
      expect(await f.driver.getJob(f.queue, id!)).toMatchObject({ state: 'waiting', attempt: 0, errors: [expect.objectContaining({ message: 'x' })] });
      expect(await f.driver.retry(f.queue, id!)).toBe(false);
      await f.driver.remove(f.queue, waiting!);
      const [again] = await f.fetch();
      expect(again).toMatchObject({ id, attempt: 1 });
      expect(again?.errors).toHaveLength(1);
    });

    it('retries every dead job of the queue at once', async () => {
      const ids = await f.add({}, {}, {});
      for (const leased of await f.fetch(3)) {
        await f.driver.fail(f.queue, [{ id: leased.id, token: leased.token, error: { message: 'x' } }]);
      }
      expect(await f.driver.retryAllDead(f.queue)).toBe(3);
      expect(await f.driver.retryAllDead(f.queue)).toBe(0);
      expect((await f.driver.counts(f.queue))).toMatchObject({ waiting: 3, dead: 0 });
      expect((await f.fetch(3)).map((job) => job.id).sort()).toEqual([...ids].sort());
    });

    it('removes every dead job of the queue at once, and no job in another state', async () => {
      const [dead1, dead2, active, waiting] = await f.add({}, {}, {}, {});
      const [leased1, leased2, leasedActive] = await f.fetch(3);
      await f.driver.fail(f.queue, [leased1!, leased2!].map((job) => ({ id: job.id, token: job.token, error: { message: 'x' } })));
      expect([leased1!.id, leased2!.id, leasedActive!.id]).toEqual([dead1, dead2, active]);
      expect(await f.driver.removeAllDead(f.queue)).toBe(2);
      expect(await f.driver.removeAllDead(f.queue)).toBe(0);
      expect(await f.driver.getJob(f.queue, dead1!)).toBeNull();
      expect(await f.driver.getJob(f.queue, dead2!)).toBeNull();
      expect(await f.driver.counts(f.queue)).toEqual({ blocked: 0, waiting: 1, delayed: 0, active: 1, completed: 0, dead: 0, expired: 0, cancelled: 0 });
      expect(await f.driver.getJob(f.queue, waiting!)).toMatchObject({ state: 'waiting' });
      expect(await f.driver.complete(f.queue, [{ id: active!, token: leasedActive!.token, result: 'null' }])).toEqual(['ok']);
    });

    it('removes more dead jobs than one chunk of a bounded driver call', async () => {
      const count = 2_500;
      await f.add(...Array.from({ length: count }, () => ({})));
      for (let failed = 0; failed < count;) {
        const leased = await f.fetch(count - failed, 60_000);
        expect(leased.length).toBeGreaterThan(0);
        await f.driver.fail(f.queue, leased.map((job) => ({ id: job.id, token: job.token, error: { message: 'x' } })));
        failed += leased.length;
      }
      expect(await f.driver.removeAllDead(f.queue)).toBe(count);
      expect((await f.driver.counts(f.queue)).dead).toBe(0);
    });
  });
}
