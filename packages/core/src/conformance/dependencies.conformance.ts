import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DependencyStatus } from '../driver/dependency-port.js';
import type { JobRef, JobState, NewJob } from '../driver/job-record.js';
import type { Fixture } from './fixture.js';
import { sleep, until } from './fixture.js';

/**
 * Job dependencies: a job enqueued with `dependsOn` is blocked until they all ended, then runs (or dies
 * with a DependencyFailedError); the hand-over may be asynchronous (Redis across hash slots), so
 * the cases wait for it.
 */
export function dependencyConformance(f: Fixture): void {
  const ref = (id: string, queue = f.queue): JobRef => ({ queue, id });
  const after = (refs: JobRef[], overrides: Partial<NewJob> = {}): Partial<NewJob> => ({ dependsOn: refs, name: 'dependent', ...overrides });
  const stateOf = async (id: string, queue = f.queue): Promise<JobState | undefined> => (await f.driver.getJob(queue, id))?.state;
  const becomes = async (id: string, state: JobState, queue = f.queue): Promise<void> => {
    const deadline = Date.now() + f.ms(5_000);
    while ((await stateOf(id, queue)) !== state) {
      if (Date.now() > deadline) throw new Error(`conformance: job ${id} stayed ${await stateOf(id, queue)}, expected ${state}`);
      await sleep(10);
    }
  };
  /** Fetches the given jobs (and only them) and completes them with `result(id)`. */
  const complete = async (ids: string[], result: (id: string) => string = (id) => JSON.stringify(id), queue = f.queue): Promise<void> => {
    const leased = await f.driver.fetch(queue, { max: ids.length, leaseMs: 10_000 });
    expect(leased.map((job) => job.id).sort()).toEqual([...ids].sort());
    expect(await f.driver.complete(queue, leased.map((job) => ({ id: job.id, token: job.token, result: result(job.id) })))).toEqual(leased.map(() => 'ok'));
  };
  const kill = async (id: string): Promise<void> => {
    const [job] = await f.fetch(1);
    expect(job!.id).toBe(id);
    await f.driver.fail(f.queue, [{ id, token: job!.token, error: { message: 'boom' } }]);
  };
  const outcomes = (statuses: DependencyStatus[] | null): Array<string | undefined> => (statuses ?? []).map((status) => status.outcome);

  describe('dependencies', () => {
    it('blocks a job until every dependency completed, then it waits to run with their results in order', async () => {
      const [a, b] = await f.add({}, {});
      const [merge] = await f.add(after([ref(b!), ref(a!)]));
      expect(await stateOf(merge!)).toBe('blocked');
      expect(await f.driver.counts(f.queue)).toMatchObject({ blocked: 1, waiting: 2 });
      expect((await f.driver.list(f.queue, 'blocked', { offset: 0, limit: 10 })).map((job) => job.id)).toEqual([merge]);
      expect((await f.driver.getJob(f.queue, merge!))!.dependsOn).toEqual([ref(b!), ref(a!)]);
      await complete([a!]);
      await sleep(f.ms(100));
      expect(await stateOf(merge!)).toBe('blocked');
      expect(outcomes(await f.driver.dependencies(f.queue, merge!))).toEqual([undefined, 'completed']);
      await complete([b!]);
      await becomes(merge!, 'waiting');
      const statuses = await f.driver.dependencies(f.queue, merge!);
      expect(statuses).toEqual([
        { queue: f.queue, id: b, outcome: 'completed', result: JSON.stringify(b) },
        { queue: f.queue, id: a, outcome: 'completed', result: JSON.stringify(a) },
      ]);
      await until(() => f.events.some((event) => event.type === 'unblocked' && event.id === merge), f.ms(2_000), 'the unblocked event');
      const types = f.events.filter((event) => event.id === merge).map((event) => event.type);
      expect(types).toEqual(['enqueued', 'blocked', 'unblocked']);
      expect((await f.fetch(10)).map((job) => job.id)).toEqual([merge]);
    });

    it('runs a chain a → b → c in order', async () => {
      const [a] = await f.add({});
      const [b] = await f.add(after([ref(a!)]));
      const [c] = await f.add(after([ref(b!)]));
      await complete([a!]);
      await becomes(b!, 'waiting');
      expect(await stateOf(c!)).toBe('blocked');
      await complete([b!]);
      await becomes(c!, 'waiting');
      await complete([c!]);
    });

    it('waits for dependencies in other queues', async () => {
      const other = `${f.queue}-other`;
      await f.driver.registerQueues([other]);
      const [a] = (await f.driver.enqueue([f.job({ queue: other })])).map((result) => result.id);
      const [merge] = await f.add(after([ref(a!, other)]));
      await complete([a!], () => '{"from":"other"}', other);
      await becomes(merge!, 'waiting');
      expect((await f.driver.dependencies(f.queue, merge!))![0]).toMatchObject({ outcome: 'completed', result: '{"from":"other"}' });
    });

    it('fans 1,000 jobs into one, which runs once after the last of them', async () => {
      const parts = await f.add(...Array.from({ length: 1_000 }, (_, n) => ({ payload: String(n) })));
      const [done] = await f.add(after(parts.map((id) => ref(id))));
      await complete(parts.slice(0, 999));
      await sleep(f.ms(100));
      expect(await stateOf(done!)).toBe('blocked');
      await complete([parts[999]!]);
      await becomes(done!, 'waiting');
      const statuses = await f.driver.dependencies(f.queue, done!);
      expect(statuses!.map((status) => status.result)).toEqual(parts.map((id) => JSON.stringify(id)));
    });

    it('takes a dependency that completed before the enqueue as done, also after its record was removed on completion', async () => {
      const [kept, dropped] = await f.add({}, {});
      const leased = await f.fetch(2);
      await f.driver.complete(f.queue, leased.map((job) => ({ id: job.id, token: job.token, result: '7', retention: job.id === dropped ? true : undefined })));
      const [early] = await f.add(after([ref(kept!)]));
      await becomes(early!, 'waiting');
      expect((await f.driver.dependencies(f.queue, early!))![0]).toMatchObject({ outcome: 'completed', result: '7' });
      // A removed job no longer exists: it cannot be named any more.
      await expect(f.add(after([ref(dropped!)]))).rejects.toThrow(dropped!);
    });

    it('keeps a dependency\'s result for its dependent when the dependency is removed on completion', async () => {
      const [a] = await f.add({});
      const [merge] = await f.add(after([ref(a!)]));
      const [job] = await f.fetch(1);
      await f.driver.complete(f.queue, [{ id: a!, token: job!.token, result: '{"rows":3}', retention: true }]);
      await becomes(merge!, 'waiting');
      expect(await f.driver.getJob(f.queue, a!)).toBeNull();
      expect((await f.driver.dependencies(f.queue, merge!))![0]).toMatchObject({ outcome: 'completed', result: '{"rows":3}' });
    });

    it('refuses a dependency that does not exist, naming it and its queue, and writes no job of the call', async () => {
      const [a] = await f.add({});
      const ghost = `ghost-${randomUUID()}`;
      const jobs = [f.job(), f.job(after([ref(a!), ref(ghost, `${f.queue}-elsewhere`)]))];
      await expect(f.driver.enqueue(jobs)).rejects.toMatchObject({ name: 'MissingDependencyError', message: expect.stringContaining(`${ghost} in queue "${f.queue}-elsewhere"`) });
      expect(await f.driver.getJob(f.queue, jobs[0]!.id)).toBeNull();
      expect(await f.driver.getJob(f.queue, jobs[1]!.id)).toBeNull();
      expect(await f.driver.counts(f.queue)).toMatchObject({ blocked: 0, waiting: 1 });
    });

    it('makes a job dead with a DependencyFailedError naming the dependency that died, down a chain', async () => {
      const [a, b] = await f.add({}, {});
      const [merge] = await f.add(after([ref(a!), ref(b!)]));
      const [last] = await f.add(after([ref(merge!)]));
      await kill(a!);
      await becomes(merge!, 'dead');
      const error = (await f.driver.getJob(f.queue, merge!))!.errors.at(-1);
      expect(error).toMatchObject({ name: 'DependencyFailedError', message: expect.stringContaining(a!) });
      expect(error!.message).toContain(`queue "${f.queue}"`);
      await becomes(last!, 'dead');
      // Events arrive asynchronously on some drivers (a stream read).
      await until(() => f.events.some((event) => event.type === 'dead' && event.id === merge && event.error?.name === 'DependencyFailedError'), f.ms(2_000), 'the dependent\'s dead event');
      expect(f.events.some((event) => event.type === 'unblocked')).toBe(false);
    });

    it('fails a job whose dependency is already dead at enqueue', async () => {
      const [a] = await f.add({});
      await kill(a!);
      const [merge] = await f.add(after([ref(a!)]));
      await becomes(merge!, 'dead');
      expect((await f.driver.getJob(f.queue, merge!))!.errors.at(-1)).toMatchObject({ name: 'DependencyFailedError' });
    });

    it("runs a job with onDependencyFailure 'ignore' once all ended, the failed one without a result", async () => {
      const [a, b] = await f.add({}, {});
      const [merge] = await f.add(after([ref(a!), ref(b!)], { onDependencyFailure: 'ignore' }));
      await kill(a!);
      await sleep(f.ms(100));
      expect(await stateOf(merge!)).toBe('blocked');
      await complete([b!], () => '2');
      await becomes(merge!, 'waiting');
      expect(await f.driver.dependencies(f.queue, merge!)).toEqual([
        { queue: f.queue, id: a, outcome: 'dead' },
        { queue: f.queue, id: b, outcome: 'completed', result: '2' },
      ]);
    });

    it('cancels a blocked job, which then never runs', async () => {
      const [a] = await f.add({});
      const [merge] = await f.add(after([ref(a!)]));
      expect(await f.driver.cancel(f.queue, merge!, 'not needed')).toBe('cancelled');
      expect(await f.driver.counts(f.queue)).toMatchObject({ blocked: 0, cancelled: 1 });
      await complete([a!]);
      await sleep(f.ms(200));
      expect(await stateOf(merge!)).toBe('cancelled');
      expect(await f.fetch(10)).toEqual([]);
    });

    it('counts a cancelled or removed dependency as failed', async () => {
      const [a, b] = await f.add({}, {});
      const [onCancelled] = await f.add(after([ref(a!)]));
      const [onRemoved] = await f.add(after([ref(b!)]));
      await f.driver.cancel(f.queue, a!);
      await f.driver.remove(f.queue, b!);
      await becomes(onCancelled!, 'dead');
      await becomes(onRemoved!, 'dead');
      expect((await f.driver.dependencies(f.queue, onCancelled!))![0]!.outcome).toBe('cancelled');
      expect((await f.driver.dependencies(f.queue, onRemoved!))![0]!.outcome).toBe('missing');
    });

    it('delays a dependent whose run time has not come when it is unblocked', async () => {
      const [a] = await f.add({});
      const [later] = await f.add(after([ref(a!)], { runAt: Date.now() + 60_000 }));
      await complete([a!]);
      await becomes(later!, 'delayed');
    });

    it('returns the existing job for an enqueue with the id of a blocked job, changing nothing', async () => {
      const [a] = await f.add({});
      const [merge] = await f.add(after([ref(a!)]));
      const again = await f.driver.enqueue([f.job({ id: merge!, dependsOn: [ref(a!)] })]);
      expect(again).toEqual([{ id: merge, created: false, state: 'blocked' }]);
      expect(await f.driver.dependencies(f.queue, 'no-such-job')).toBeNull();
    });
  });
}
