import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { sleep, until } from './fixture.js';

/** Cancellation: from any state that has not ended, at once; a running job's lease is void. */
export function cancelConformance(f: Fixture): void {
  describe('cancellation', () => {
    it('cancels a waiting job: it never starts, keeps the reason, and says so in counts, lists and events', async () => {
      const [id, other] = await f.add({}, {});
      expect(await f.driver.cancel(f.queue, id!, 'customer left')).toBe('cancelled');
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([other]);
      const record = await f.driver.getJob(f.queue, id!);
      expect(record).toMatchObject({ state: 'cancelled' });
      expect(record!.errors.at(-1)).toMatchObject({ name: 'JobCancelledError', message: 'customer left' });
      expect(record!.finishedAt).toBeGreaterThan(0);
      expect(await f.driver.counts(f.queue)).toMatchObject({ waiting: 0, active: 1, cancelled: 1 });
      expect((await f.driver.list(f.queue, 'cancelled', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([id]);
      await until(() => f.events.some((event) => event.type === 'cancelled' && event.id === id), f.ms(2_000), 'a cancelled event');
      expect(f.events.find((event) => event.type === 'cancelled')!.error).toMatchObject({ message: 'customer left' });
    });

    it('cancels a delayed job, which then never falls due', async () => {
      const [id] = await f.add({ runAt: Date.now() + f.ms(200) });
      expect(await f.driver.cancel(f.queue, id!)).toBe('cancelled');
      await new Promise((resolve) => setTimeout(resolve, f.ms(250)));
      expect(await f.fetch(10)).toEqual([]);
      expect(await f.driver.counts(f.queue)).toMatchObject({ delayed: 0, waiting: 0, cancelled: 1 });
    });

    it('cancels a running job: its worker can no longer complete, fail, extend or release it, and it stays cancelled', async () => {
      await f.add({ maxAttempts: 3 });
      const [job] = await f.fetch(1);
      expect(await f.driver.cancel(f.queue, job!.id, 'stop')).toBe('cancelled');
      const lease = { id: job!.id, token: job!.token };
      expect(await f.driver.complete(f.queue, [{ ...lease, result: '1' }])).toEqual(['lost']);
      expect(await f.driver.fail(f.queue, [{ ...lease, error: { message: 'x' }, retryAt: Date.now() }])).toEqual(['lost']);
      expect(await f.driver.extend(f.queue, [lease], 10_000)).toEqual(['lost']);
      expect(await f.driver.release(f.queue, [lease])).toEqual(['lost']);
      expect(await f.driver.getJob(f.queue, job!.id)).toMatchObject({ state: 'cancelled', attempt: 1 });
      expect(await f.fetch(10)).toEqual([]);
      expect(await f.driver.counts(f.queue)).toMatchObject({ active: 0, cancelled: 1 });
    });

    it('tells watchers of the backend when a running job is cancelled', async () => {
      if (!f.driver.watchCancels) return;
      const heard: string[] = [];
      const stop = f.driver.watchCancels((queue, id) => heard.push(`${queue}/${id}`));
      // A watch may ride on a subscription that takes a moment to start (a worker watches from its start).
      await sleep(f.ms(500));
      try {
        await f.add();
        const [job] = await f.fetch(1);
        await f.driver.cancel(f.queue, job!.id);
        await until(() => heard.includes(`${f.queue}/${job!.id}`), f.ms(2_000), 'the cancel of a running job');
      } finally {
        stop();
      }
    });

    it('leaves a job that has ended as it is, and says which', async () => {
      const [done, dead] = await f.add({}, {});
      const jobs = await f.fetch(2);
      await f.driver.complete(f.queue, [{ id: done!, token: jobs.find((job) => job.id === done)!.token, result: '1' }]);
      await f.driver.fail(f.queue, [{ id: dead!, token: jobs.find((job) => job.id === dead)!.token, error: { message: 'x' } }]);
      expect(await f.driver.cancel(f.queue, done!)).toBe('finished');
      expect(await f.driver.cancel(f.queue, dead!)).toBe('finished');
      expect(await f.driver.cancel(f.queue, 'no-such-job')).toBe('missing');
      const [cancelled] = await f.add();
      expect(await f.driver.cancel(f.queue, cancelled!)).toBe('cancelled');
      expect(await f.driver.cancel(f.queue, cancelled!)).toBe('finished');
      expect(await f.driver.counts(f.queue)).toMatchObject({ completed: 1, dead: 1, cancelled: 1 });
    });

    it('cancels a limited job waiting in its lane, and a running one frees its slot', async () => {
      await f.driver.setFlowLimits(f.queue, { api: { concurrency: 1 } });
      const ids = await f.add({ name: 'api', limited: true }, { name: 'api', limited: true }, { name: 'api', limited: true });
      const [running] = await f.fetch(10);
      expect(running!.id).toBe(ids[0]);
      expect(await f.driver.cancel(f.queue, ids[1]!)).toBe('cancelled');
      expect(await f.driver.cancel(f.queue, running!.id)).toBe('cancelled');
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([ids[2]]);
      expect(await f.driver.counts(f.queue)).toMatchObject({ waiting: 0, active: 1, cancelled: 2 });
    });
  });
}
