import { describe, expect, it } from '@jest/globals';
import type { FlowLimits } from '../driver/driver-items.js';
import type { NewJob } from '../driver/job-record.js';
import type { Fixture } from './fixture.js';
import { sleep, until } from './fixture.js';

/** Flow control: lanes, cluster-wide limits, holds, dedupe and expiry, as every driver enforces them. */
export function flowConformance(f: Fixture): void {
  const limit = (limits: Record<string, FlowLimits>): Promise<void> => f.driver.setFlowLimits(f.queue, limits);
  const limited = (name: string, overrides: Partial<NewJob> = {}): Partial<NewJob> => ({ name, limited: true, ...overrides });
  const names = (jobs: Array<{ name: string; group?: string }>): string[] => jobs.map((job) => (job.group === undefined ? job.name : `${job.name}/${job.group}`));

  describe('flow control', () => {
    it('starts at most `max` limited jobs per window, and more once the window has moved on', async () => {
      await limit({ api: { rate: { max: 2, perMs: f.ms(400) } } });
      await f.add(...Array.from({ length: 5 }, () => limited('api')));
      expect(await f.fetch(10)).toHaveLength(2);
      expect(await f.fetch(10)).toHaveLength(0);
      await sleep(f.ms(450));
      expect(await f.fetch(10)).toHaveLength(2);
    });

    it('drops a name\'s limits when they are set to {} (a limit taken out of the code)', async () => {
      await limit({ api: { rate: { max: 1, perMs: 60_000 } } });
      await f.add(limited('api'), limited('api'), limited('api'));
      expect(await f.fetch(10)).toHaveLength(1);
      await limit({ api: {} });
      expect(await f.fetch(10)).toHaveLength(2);
      expect((await f.driver.flowStatus(f.queue, 10)).limits).toEqual({});
    });

    it('never lets a limited job at the head of the queue hold back other jobs', async () => {
      await limit({ api: { rate: { max: 1, perMs: 60_000 } } });
      await f.add(...Array.from({ length: 20 }, () => limited('api')));
      await f.add({ name: 'plain' }, { name: 'plain' }, { name: 'plain' });
      expect(names(await f.fetch(10)).sort()).toEqual(['api', 'plain', 'plain', 'plain']);
      expect(await f.fetch(10)).toHaveLength(0);
      expect((await f.driver.counts(f.queue)).waiting).toBe(19);
    });

    it('keeps at most `concurrency` running across fetches, and frees a slot on completion or a lapsed lease', async () => {
      await limit({ api: { concurrency: 2 } });
      await f.add(...Array.from({ length: 5 }, () => limited('api', { maxAttempts: 3 })));
      const first = await f.fetch(10, f.ms(300));
      expect(first).toHaveLength(2);
      expect(await f.fetch(10)).toHaveLength(0);
      expect(await f.driver.complete(f.queue, [{ id: first[0]!.id, token: first[0]!.token, result: 'null' }])).toEqual(['ok']);
      expect(await f.fetch(10, 60_000)).toHaveLength(1);
      // first[1]'s lease lapses: the fetch that recovers it may start one job again.
      await sleep(f.ms(350));
      const after = await f.fetch(10, 60_000);
      expect(after).toHaveLength(1);
    });

    it('limits each group on its own, and lets groups take turns', async () => {
      await limit({ api: { groupConcurrency: 1 } });
      await f.add(limited('api', { group: 'a' }), limited('api', { group: 'a' }), limited('api', { group: 'b' }), limited('api', { group: 'b' }));
      expect(names(await f.fetch(10)).sort()).toEqual(['api/a', 'api/b']);
      expect(await f.fetch(10)).toHaveLength(0);
    });

    it('serves a group that enqueued later within a few turns, however big the first group\'s backlog', async () => {
      await f.add(...Array.from({ length: 200 }, () => limited('api', { group: 'big' })));
      await f.add(...Array.from({ length: 3 }, () => limited('api', { group: 'small' })));
      const order: string[] = [];
      for (let n = 0; n < 8; n++) order.push(...names(await f.fetch(1)));
      expect(order.filter((name) => name === 'api/small')).toHaveLength(3);
    });

    it('applies a group rate limit per group', async () => {
      await limit({ api: { groupRate: { max: 1, perMs: 60_000 } } });
      await f.add(limited('api', { group: 'a' }), limited('api', { group: 'a' }), limited('api', { group: 'b' }));
      expect(names(await f.fetch(10)).sort()).toEqual(['api/a', 'api/b']);
      expect(await f.fetch(10)).toHaveLength(0);
    });

    it('holds a rate-limited job\'s name without counting the try, while other jobs run', async () => {
      const [id] = await f.add({ name: 'remote', maxAttempts: 1 });
      const [job] = await f.fetch(1);
      await f.add({ name: 'remote' }, { name: 'other' });
      const heldUntil = Date.now() + f.ms(500);
      expect(await f.driver.fail(f.queue, [{ id: id!, token: job!.token, rateLimitedUntil: heldUntil }])).toEqual(['ok']);
      const record = await f.driver.getJob(f.queue, id!);
      expect(record).toMatchObject({ state: 'waiting', attempt: 0 });
      expect(names(await f.fetch(10))).toEqual(['other']);
      await sleep(Math.max(0, heldUntil - Date.now()) + f.ms(50));
      const later = await f.fetch(10);
      expect(later.map((leased) => leased.id)[0]).toBe(id);
      expect(names(later)).toEqual(['remote', 'remote']);
      expect(later[0]!.attempt).toBe(1);
      await until(() => f.events.some((event) => event.type === 'rate-limited' && event.id === id), f.ms(2_000), 'a rate-limited event');
      expect(f.events.find((event) => event.type === 'rate-limited')).toMatchObject({ runAt: heldUntil });
    });

    it('holds only the group of a rate-limited job', async () => {
      await f.add(limited('api', { group: 'a' }));
      const [job] = await f.fetch(1);
      await f.add(limited('api', { group: 'a' }), limited('api', { group: 'b' }));
      await f.driver.fail(f.queue, [{ id: job!.id, token: job!.token, rateLimitedUntil: Date.now() + 60_000 }]);
      expect(names(await f.fetch(10))).toEqual(['api/b']);
      expect((await f.driver.counts(f.queue)).waiting).toBe(2);
    });

    it('returns the first job of a throttle window for later enqueues, and a new one after it', async () => {
      const dedupe = { key: 'k', ttlMs: f.ms(400), mode: 'throttle' as const };
      const [first] = await f.add({ dedupe });
      const [again] = await f.driver.enqueue([f.job({ dedupe, payload: '{"n":2}' })]);
      expect(again).toMatchObject({ id: first, created: false });
      await sleep(f.ms(450));
      const [later] = await f.driver.enqueue([f.job({ dedupe })]);
      expect(later!.created).toBe(true);
      expect(later!.id).not.toBe(first);
    });

    it('debounces: the last payload runs once, ttl after the last enqueue, at the latest maxWait after the first', async () => {
      const now = Date.now();
      const dedupe = { key: 'k', ttlMs: 60_000, mode: 'debounce' as const, maxWaitMs: 90_000 };
      const [id] = await f.add({ dedupe, runAt: now + 60_000, payload: '{"v":1}' });
      const [second] = await f.driver.enqueue([f.job({ dedupe, runAt: now + 60_000, payload: '{"v":2}' })]);
      expect(second).toMatchObject({ id, created: false, state: 'delayed' });
      const record = await f.driver.getJob(f.queue, id!);
      expect(record!.payload).toBe('{"v":2}');
      expect(record!.runAt).toBeGreaterThanOrEqual(now + 60_000);
      expect(record!.runAt).toBeLessThanOrEqual(record!.enqueuedAt + 90_000);
      expect((await f.driver.counts(f.queue)).delayed).toBe(1);
    });

    it('ends a job still waiting past its expiry as expired, never started', async () => {
      const [id] = await f.add({ expireAt: Date.now() + f.ms(100) });
      const [fresh] = await f.add({ expireAt: Date.now() + 60_000 });
      await sleep(f.ms(150));
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([fresh]);
      expect(await f.driver.getJob(f.queue, id!)).toMatchObject({ state: 'expired' });
      expect((await f.driver.counts(f.queue)).expired).toBe(1);
      expect((await f.driver.list(f.queue, 'expired', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([id]);
      await until(() => f.events.some((event) => event.type === 'expired' && event.id === id), f.ms(2_000), 'an expired event');
    });

    it('puts a released limited job back at the front of its lane and frees its slot', async () => {
      await limit({ api: { concurrency: 1 } });
      const ids = await f.add(limited('api'), limited('api'));
      const [job] = await f.fetch(10);
      expect(job!.id).toBe(ids[0]);
      expect(await f.driver.release(f.queue, [{ id: job!.id, token: job!.token }])).toEqual(['ok']);
      expect((await f.fetch(10)).map((leased) => leased.id)).toEqual([ids[0]]);
    });

    it('wakes an idle worker when a limited lane may start again', async () => {
      await limit({ api: { rate: { max: 1, perMs: f.ms(400) } } });
      await f.add(limited('api'), limited('api'));
      expect(await f.fetch(10)).toHaveLength(1);
      const started = Date.now();
      let jobs: unknown[] = [];
      for (let waits = 0; jobs.length === 0 && waits < 6; waits++) {
        await f.driver.waitForWork([f.queue], f.ms(3_000));
        jobs = await f.fetch(10);
      }
      expect(jobs).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(f.ms(1_500));
    });

    it('reports limits, usage and lanes', async () => {
      await limit({ api: { concurrency: 3, groupConcurrency: 1 } });
      await f.add(limited('api', { group: 'a' }), limited('api', { group: 'a' }), limited('api', { group: 'b' }));
      await f.fetch(1);
      const status = await f.driver.flowStatus(f.queue, 10);
      expect(status.limits).toEqual({ api: { concurrency: 3, groupConcurrency: 1 } });
      expect(status.names).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'api', running: 1 })]));
      const waiting = status.lanes.reduce((sum, lane) => sum + lane.waiting, 0);
      expect(waiting).toBe(2);
      expect(status.lanes.every((lane) => lane.name === 'api' && (lane.group === 'a' || lane.group === 'b'))).toBe(true);
    });
  });
}
