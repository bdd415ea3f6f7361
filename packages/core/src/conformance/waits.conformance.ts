import { describe, expect, it } from '@jest/globals';
import type { LeasedJob } from '../driver/job-record.js';
import type { Fixture } from './fixture.js';
import { sleep } from './fixture.js';

export function waitConformance(f: Fixture): void {
  /** Starts a wait and reports how long it took to resolve. */
  const timedWait = (queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<number> => {
    const started = Date.now();
    return f.driver.waitForWork(queues, timeoutMs, signal).then(() => Date.now() - started);
  };

  /**
   * Waits and fetches until the fetch finds a job, as a worker does (spurious wake-ups are allowed,
   * busy polling is not: a few waits at most). Reports how long it took and what the fetch leased.
   */
  const waitThenFetch = async (timeoutMs: number): Promise<{ ms: number; jobs: LeasedJob[]; waits: number }> => {
    const started = Date.now();
    for (let waits = 1; ; waits++) {
      await f.driver.waitForWork([f.queue], Math.max(1, timeoutMs - (Date.now() - started)));
      const jobs = await f.fetch();
      if (jobs.length > 0 || waits >= 5 || Date.now() - started >= timeoutMs) return { ms: Date.now() - started, jobs, waits };
    }
  };

  describe('waiting for work', () => {
    it('wakes an idle wait promptly on enqueue', async () => {
      const waited = timedWait([f.queue], f.ms(5_000));
      await sleep(f.ms(50));
      await f.add();
      expect(await waited).toBeLessThan(f.ms(1_500));
    });

    it('wakes a wait on several queues when any one of them gets work', async () => {
      const other = `${f.queue}-other`;
      const waited = timedWait([other, f.queue], f.ms(5_000));
      await sleep(f.ms(50));
      await f.add();
      expect(await waited).toBeLessThan(f.ms(1_500));
    });

    it('returns at once when a job is already waiting', async () => {
      await f.add();
      expect(await timedWait([f.queue], f.ms(5_000))).toBeLessThan(f.ms(500));
    });

    it('wakes when a delayed job falls due', async () => {
      await f.add({ runAt: Date.now() + f.ms(300) });
      const { ms, jobs } = await waitThenFetch(f.ms(5_000));
      expect(jobs).toHaveLength(1);
      expect(ms).toBeLessThan(f.ms(1_500));
    });

    it('wakes when a lease runs out, so a crashed worker\'s job is recovered without delay', async () => {
      await f.add({ maxAttempts: 2 });
      await f.fetch(1, f.ms(300));
      const { ms, jobs } = await waitThenFetch(f.ms(5_000));
      expect(jobs[0]?.attempt).toBe(2);
      expect(ms).toBeLessThan(f.ms(1_500));
    });

    it('wakes on a released lease and on a manual retry', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      let waited = timedWait([f.queue], f.ms(5_000));
      await sleep(f.ms(50));
      await f.driver.release(f.queue, [{ id: id!, token: leased!.token }]);
      expect(await waited).toBeLessThan(f.ms(1_500));

      const [again] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: again!.token, error: { message: 'x' } }]);
      waited = timedWait([f.queue], f.ms(5_000));
      await sleep(f.ms(50));
      await f.driver.retry(f.queue, id!);
      expect(await waited).toBeLessThan(f.ms(1_500));
    });

    it('times out when nothing comes', async () => {
      await f.add({ runAt: Date.now() + 60_000 });
      const took = await timedWait([f.queue], f.ms(200));
      expect(took).toBeGreaterThanOrEqual(f.ms(150));
      expect(took).toBeLessThan(f.ms(2_000));
    });

    it('stops on abort, and returns at once for a signal already aborted', async () => {
      const controller = new AbortController();
      const waited = timedWait([f.queue], f.ms(10_000), controller.signal);
      setTimeout(() => controller.abort(), f.ms(50));
      expect(await waited).toBeLessThan(f.ms(1_500));
      expect(await timedWait([f.queue], f.ms(10_000), controller.signal)).toBeLessThan(f.ms(500));
    });

    it('resolves pending waits on close', async () => {
      const waited = timedWait([f.queue], f.ms(10_000));
      await sleep(f.ms(50));
      await f.driver.close();
      expect(await waited).toBeLessThan(f.ms(1_500));
    });
  });
}
