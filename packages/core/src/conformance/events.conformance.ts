import { describe, expect, it } from '@jest/globals';
import type { Fixture } from './fixture.js';
import { until } from './fixture.js';

export function eventConformance(f: Fixture): void {
  describe('events', () => {
    it('reports a job\'s life in order: enqueued, active, progress, failed, retrying, active, completed', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      let [leased] = await f.fetch();
      await f.driver.progress(f.queue, { id: id!, token: leased!.token }, '10');
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'boom' }, retryAt: Date.now() }]);
      [leased] = await f.fetch();
      await f.driver.complete(f.queue, [{ id: id!, token: leased!.token, result: '{"ok":true}' }]);
      await until(() => f.events.some((event) => event.type === 'completed'), f.ms(3_000), 'the completed event');
      const mine = f.events.filter((event) => event.id === id);
      expect(mine.map((event) => event.type)).toEqual(['enqueued', 'active', 'progress', 'failed', 'retrying', 'active', 'completed']);
      expect(mine.map((event) => event.attempt)).toEqual([0, 1, 1, 1, 1, 2, 2]);
      expect(mine[2]?.data).toBe('10');
      expect(mine[3]?.error?.message).toBe('boom');
      expect(mine[6]?.data).toBe('{"ok":true}');
      expect(mine.every((event) => event.name === 'conformance.job' && event.queue === f.queue)).toBe(true);
    });

    it('reports failed then dead with the error on the last try', async () => {
      const [id] = await f.add();
      const [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'fatal' } }]);
      await until(() => f.events.some((event) => event.type === 'dead'), f.ms(3_000), 'the dead event');
      const mine = f.events.filter((event) => event.id === id);
      expect(mine.map((event) => event.type)).toEqual(['enqueued', 'active', 'failed', 'dead']);
      expect(mine[3]?.error?.message).toBe('fatal');
    });

    it('reports lease expiry as failed then retrying', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      await f.fetch(1, f.ms(100));
      await new Promise((resolve) => setTimeout(resolve, f.ms(250)));
      await f.fetch(1, 10_000);
      await until(() => f.events.filter((event) => event.type === 'active').length === 2, f.ms(3_000), 'the second active event');
      const types = f.events.filter((event) => event.id === id).map((event) => event.type);
      expect(types).toEqual(['enqueued', 'active', 'failed', 'retrying', 'active']);
    });

    it('delivers every event to every subscriber in order, never inside the call that caused it', async () => {
      const first: string[] = [];
      const second: string[] = [];
      const unsubscribeFirst = f.driver.subscribe((event) => event.queue === f.queue && first.push(event.type));
      const unsubscribeSecond = f.driver.subscribe((event) => event.queue === f.queue && second.push(event.type));
      const enqueued = f.driver.enqueue([f.job()]);
      expect(first).toEqual([]);
      await enqueued;
      const [leased] = await f.fetch();
      await f.driver.complete(f.queue, [{ id: leased!.id, token: leased!.token, result: '1' }]);
      await until(() => first.length === 3 && second.length === 3, f.ms(3_000), 'both subscribers to see three events');
      expect(first).toEqual(['enqueued', 'active', 'completed']);
      expect(second).toEqual(first);
      unsubscribeFirst();
      unsubscribeSecond();
    });

    it('reports retrying with the next run time, and a manual retry as enqueued', async () => {
      const [id] = await f.add({ maxAttempts: 2 });
      let [leased] = await f.fetch();
      const retryAt = Date.now() + 60_000;
      await f.driver.fail(f.queue, [{ id: id!, token: leased!.token, error: { message: 'later' }, retryAt }]);
      await until(() => f.events.some((event) => event.type === 'retrying'), f.ms(3_000), 'the retrying event');
      expect(f.events.find((event) => event.type === 'retrying')).toMatchObject({ id, attempt: 1, runAt: retryAt });
      expect(f.events.find((event) => event.type === 'failed')?.error).toMatchObject({ message: 'later', attempt: 1 });
      await f.driver.remove(f.queue, id!);

      const [other] = await f.add();
      [leased] = await f.fetch();
      await f.driver.fail(f.queue, [{ id: other!, token: leased!.token, error: { message: 'x' } }]);
      await f.driver.retry(f.queue, other!);
      await until(() => f.events.filter((event) => event.id === other).length === 5, f.ms(3_000), 'the retried job\'s events');
      const mine = f.events.filter((event) => event.id === other);
      expect(mine.map((event) => [event.type, event.attempt])).toEqual([['enqueued', 0], ['active', 1], ['failed', 1], ['dead', 1], ['enqueued', 0]]);
    });

    it('stops delivering to a listener once it unsubscribes', async () => {
      const seen: string[] = [];
      const unsubscribe = f.driver.subscribe((event) => event.queue === f.queue && seen.push(event.id));
      await f.add({ id: 'first' });
      await until(() => seen.includes('first'), f.ms(3_000), 'the first event');
      unsubscribe();
      await f.add({ id: 'second' });
      await until(() => f.events.some((event) => event.id === 'second'), f.ms(3_000), 'the fixture to see the second job');
      expect(seen).toEqual(['first']);
    });
  });
}
