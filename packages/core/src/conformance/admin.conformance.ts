import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { until } from './fixture.js';

export function adminConformance(f: Fixture): void {
  describe('admin queries and controls', () => {
    it('counts jobs in every state', async () => {
      const ids = await f.add({}, {}, {}, {}, { runAt: Date.now() + 60_000 });
      const leased = await f.fetch(3);
      await f.driver.complete(f.queue, [{ id: leased[0]!.id, token: leased[0]!.token, result: 'null' }]);
      await f.driver.fail(f.queue, [{ id: leased[1]!.id, token: leased[1]!.token, error: { message: 'x' } }]);
      expect(await f.driver.counts(f.queue)).toEqual({ blocked: 0, waiting: 1, delayed: 1, active: 1, completed: 1, dead: 1, expired: 0, cancelled: 0 });
      expect(ids).toHaveLength(5);
    });

    it('lists each state in its documented order with offset and limit', async () => {
      const now = Date.now();
      const [w1, w2, w3] = await f.add({ priority: 0 }, { priority: 5 }, { priority: 0 });
      const [d1, d2] = await f.add({ runAt: now + 90_000 }, { runAt: now + 60_000 });
      expect((await f.driver.list(f.queue, 'waiting', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([w2, w1, w3]);
      expect((await f.driver.list(f.queue, 'waiting', { offset: 1, limit: 1 })).map((job) => job.id)).toEqual([w1]);
      expect((await f.driver.list(f.queue, 'delayed', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([d2, d1]);
      const leased = await f.fetch(3);
      for (const job of leased) await f.driver.complete(f.queue, [{ id: job.id, token: job.token, result: 'null' }]);
      expect((await f.driver.list(f.queue, 'completed', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([w3, w1, w2]);
    });

    it('lists active jobs by lease expiry and dead jobs newest first', async () => {
      const [a, b, c] = await f.add({}, {}, {});
      const [leasedA] = await f.fetch(1, 60_000);
      const [leasedB] = await f.fetch(1, 30_000);
      const [leasedC] = await f.fetch(1, 45_000);
      expect((await f.driver.list(f.queue, 'active', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([b, c, a]);
      for (const leased of [leasedA!, leasedB!, leasedC!]) {
        await f.driver.fail(f.queue, [{ id: leased.id, token: leased.token, error: { message: 'x' } }]);
      }
      expect((await f.driver.list(f.queue, 'dead', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([c, b, a]);
      expect((await f.driver.list(f.queue, 'dead', { offset: 1, limit: 5 })).map((job) => job.id)).toEqual([b, a]);
      expect(await f.driver.list(f.queue, 'dead', { offset: 3, limit: 5 })).toEqual([]);
    });

    it('keeps the trace context stored at enqueue through fetch, retry and reads, and stores none when given none', async () => {
      const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' };
      const [traced, plain] = await f.add({ trace, maxAttempts: 2 }, {});
      const leased = await f.fetch(2);
      expect(leased.find((job) => job.id === traced)?.trace).toEqual(trace);
      expect(leased.find((job) => job.id === plain)).not.toHaveProperty('trace');
      const first = leased.find((job) => job.id === traced)!;
      await f.driver.fail(f.queue, [{ id: first.id, token: first.token, error: { message: 'x' }, retryAt: Date.now() }]);
      const [again] = await f.fetch(1);
      expect(again?.id).toBe(traced);
      expect(again?.trace).toEqual(trace);
      await f.driver.complete(f.queue, [{ id: again!.id, token: again!.token, result: 'null' }]);
      expect((await f.driver.getJob(f.queue, traced!))?.trace).toEqual(trace);
      expect(await f.driver.getJob(f.queue, plain!)).not.toHaveProperty('trace');
    });

    it('removes a dead job', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'x' } }]);
      expect(await f.driver.remove(f.queue, id!)).toBe(true);
      expect(await f.driver.getJob(f.queue, id!)).toBeNull();
      expect((await f.driver.counts(f.queue)).dead).toBe(0);
    });

    it('removes a job in any state; an active job\'s worker then gets lost', async () => {
      const [waiting, delayed, active] = await f.add({}, { runAt: Date.now() + 60_000 }, { priority: -1 });
      const [first] = await f.fetch(1);
      expect(first?.id).toBe(waiting);
      await f.driver.complete(f.queue, [{ id: first!.id, token: first!.token, result: '1' }]);
      const [leased] = await f.fetch(1);
      expect(leased?.id).toBe(active);
      expect(await f.driver.remove(f.queue, waiting!)).toBe(true);
      expect(await f.driver.remove(f.queue, delayed!)).toBe(true);
      expect(await f.driver.remove(f.queue, active!)).toBe(true);
      expect(await f.driver.remove(f.queue, active!)).toBe(false);
      expect(await f.driver.complete(f.queue, [{ id: active!, token: leased!.token, result: '1' }])).toEqual(['lost']);
      expect(await f.driver.counts(f.queue)).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 });
      expect(await f.driver.getJob(f.queue, active!)).toBeNull();
    });

    it('fetches nothing from a paused queue while enqueue goes on, and wakes waiters on resume', async () => {
      await f.driver.pause(f.queue);
      expect(await f.driver.isPaused(f.queue)).toBe(true);
      await f.add();
      expect(await f.fetch()).toHaveLength(0);
      const waited = f.driver.waitForWork([f.queue], f.ms(5_000));
      const started = Date.now();
      setTimeout(() => void f.driver.resume(f.queue), f.ms(50));
      await waited;
      expect(Date.now() - started).toBeLessThan(f.ms(1_500));
      expect(await f.driver.isPaused(f.queue)).toBe(false);
      expect(await f.fetch()).toHaveLength(1);
    });

    it('lists registered queues and queues that got a job, not queues only read', async () => {
      const enqueuedOnly = `${f.queue}-enqueued`;
      const readOnly = `${f.queue}-read`;
      await f.driver.enqueue([f.job({ queue: enqueuedOnly })]);
      await f.driver.counts(readOnly);
      await f.driver.list(readOnly, 'waiting', { offset: 0, limit: 10 });
      await f.driver.getJob(readOnly, 'x');
      expect(await f.driver.isPaused(readOnly)).toBe(false);
      const queues = await f.driver.queues();
      expect(queues).toEqual(expect.arrayContaining([f.queue, enqueuedOnly]));
      expect(queues).not.toContain(readOnly);
    });

    it('removes a completed job at once with retention true', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      await f.driver.complete(f.queue, [{ id: id!, token: leased!.token, result: '{"sent":1}', retention: true }]);
      expect(await f.driver.getJob(f.queue, id!)).toBeNull();
      expect((await f.driver.counts(f.queue)).completed).toBe(0);
      await until(() => f.events.some((event) => event.type === 'completed'), f.ms(3_000), 'the completed event');
      expect(f.events.find((event) => event.type === 'completed')?.data).toBe('{"sent":1}');
    });

    it('keeps at most count completed jobs, dropping the oldest', async () => {
      const ids = await f.add({}, {}, {}, {});
      for (const leased of await f.fetch(4)) {
        await f.driver.complete(f.queue, [{ id: leased.id, token: leased.token, result: '1', retention: { count: 2 } }]);
      }
      expect((await f.driver.list(f.queue, 'completed', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([ids[3], ids[2]]);
    });

    it('drops completed jobs older than age', async () => {
      const [old, young] = await f.add({}, {});
      const [first] = await f.fetch(1);
      await f.driver.complete(f.queue, [{ id: old!, token: first!.token, result: '1' }]);
      await new Promise((resolve) => setTimeout(resolve, f.ms(200)));
      const [second] = await f.fetch(1);
      await f.driver.complete(f.queue, [{ id: young!, token: second!.token, result: '1', retention: { age: f.ms(100) } }]);
      expect(await f.driver.getJob(f.queue, old!)).toBeNull();
      expect((await f.driver.getJob(f.queue, young!))?.state).toBe('completed');
    });
  });
}
