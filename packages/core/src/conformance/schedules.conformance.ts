import { describe, expect, it } from '@jest/globals';
import type { TickRequest } from '../driver/queue-driver.interface.js';
import { until, type Fixture } from './fixture.js';

export function scheduleConformance(f: Fixture): void {
  const tick = (schedule: string, tickAt: number, overlap = true): TickRequest => ({
    schedule,
    tickAt,
    overlap,
    job: f.job({ id: `cron:${schedule}:${tickAt}`, name: schedule, scheduledFor: tickAt, payload: 'null' }),
  });

  describe('schedule ticks', () => {
    it('enqueues a tick once, and never an earlier or equal tick again, even after its job is gone', async () => {
      const name = `${f.queue}.tick`;
      expect(await f.driver.enqueueTick(tick(name, 2_000))).toBe('enqueued');
      expect(await f.driver.enqueueTick(tick(name, 2_000))).toBe('duplicate');
      await f.driver.remove(f.queue, `cron:${name}:2000`);
      expect(await f.driver.enqueueTick(tick(name, 2_000))).toBe('duplicate');
      expect(await f.driver.enqueueTick(tick(name, 1_000))).toBe('duplicate');
      expect(await f.driver.enqueueTick(tick(name, 3_000))).toBe('enqueued');
      expect(await f.driver.scheduleStates([{ name, queue: f.queue }, { name: 'unknown', queue: f.queue }])).toEqual({ [name]: { paused: false, lastTickAt: 3_000, lastJobId: `cron:${name}:3000` } });
    });

    it('reports a tick whose job id already exists as duplicate', async () => {
      const name = `${f.queue}.triggered`;
      await f.driver.enqueue([tick(name, 7_000).job]);
      expect(await f.driver.enqueueTick(tick(name, 7_000))).toBe('duplicate');
      expect((await f.driver.counts(f.queue)).waiting).toBe(1);
    });

    it('enqueues one job when many schedulers race for one tick', async () => {
      const name = `${f.queue}.race`;
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => f.driver.enqueueTick(tick(name, 5_000))));
      expect(outcomes.filter((outcome) => outcome === 'enqueued')).toHaveLength(1);
      expect((await f.driver.counts(f.queue)).waiting).toBe(1);
    });

    it('skips ticks of a paused schedule until resumed', async () => {
      const name = `${f.queue}.paused`;
      const ref = { name, queue: f.queue };
      await f.driver.setSchedulePaused(ref, true);
      expect(await f.driver.enqueueTick(tick(name, 1_000))).toBe('paused');
      expect((await f.driver.scheduleStates([ref]))[name]?.paused).toBe(true);
      await f.driver.setSchedulePaused(ref, false);
      expect(await f.driver.enqueueTick(tick(name, 2_000))).toBe('enqueued');
    });

    it('skips a tick while the previous run is unfinished when overlap is false, and consumes it', async () => {
      const name = `${f.queue}.overlap`;
      expect(await f.driver.enqueueTick(tick(name, 1_000, false))).toBe('enqueued');
      const [leased] = await f.fetch();
      expect(await f.driver.enqueueTick(tick(name, 2_000, false))).toBe('overlap');
      expect(await f.driver.scheduleStates([{ name, queue: f.queue }])).toEqual({ [name]: { paused: false, lastTickAt: 2_000, lastJobId: `cron:${name}:1000` } });
      expect(await f.driver.getJob(f.queue, `cron:${name}:2000`)).toBeNull();
      expect(await f.driver.enqueueTick(tick(name, 2_000, false))).toBe('duplicate');
      await until(() => f.events.some((event) => event.type === 'skipped'), f.ms(3_000), 'the skipped event');
      expect(f.events.filter((event) => event.type === 'skipped')).toEqual([
        expect.objectContaining({ type: 'skipped', queue: f.queue, name, id: `cron:${name}:2000`, attempt: 0 }),
      ]);
      await f.driver.complete(f.queue, [{ id: leased!.id, token: leased!.token, result: 'null' }]);
      expect(await f.driver.enqueueTick(tick(name, 3_000, false))).toBe('enqueued');
      expect(await f.driver.enqueueTick(tick(name, 4_000, true))).toBe('enqueued');
    });
  });
}
