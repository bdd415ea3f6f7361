import { describe, expect, it } from '@jest/globals';
import { describeDriverConformance } from '../../conformance/index.js';
import type { DriverEvent } from '../driver-event.js';
import type { NewJob } from '../job-record.js';
import { MemoryDriver } from './memory.driver.js';

describeDriverConformance('MemoryDriver', () => new MemoryDriver());

const job = (id: string, overrides: Partial<NewJob> = {}): NewJob =>
  ({ id, queue: 'q', name: 'n', payload: 'null', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0, ...overrides });

/** A driver on a hand-moved clock. */
function clocked(start = 1_000_000): { driver: MemoryDriver; advance(ms: number): void; now(): number } {
  let now = start;
  return { driver: new MemoryDriver({ now: () => now }), advance: (ms) => void (now += ms), now: () => now };
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('MemoryDriver with an injected clock', () => {
  it('uses the clock for delays and leases, so tests need not sleep', async () => {
    const { driver, advance, now } = clocked();
    await driver.enqueue([job('d', { maxAttempts: 2, runAt: now() + 5_000, enqueuedAt: now() })]);
    expect(await driver.fetch('q', { max: 1, leaseMs: 1_000 })).toHaveLength(0);
    advance(5_000);
    const [leased] = await driver.fetch('q', { max: 1, leaseMs: 1_000 });
    expect(leased?.leaseUntil).toBe(now() + 1_000);
    advance(1_001);
    const [again] = await driver.fetch('q', { max: 1, leaseMs: 1_000 });
    expect(again).toMatchObject({ attempt: 2, startedAt: now(), errors: [{ message: 'lease expired', attempt: 1, at: now() }] });
  });

  it('stamps events, errors and finish times with the clock', async () => {
    const { driver, advance, now } = clocked();
    const events: DriverEvent[] = [];
    driver.subscribe((event) => events.push(event));
    await driver.enqueue([job('a')]);
    advance(10);
    const [leased] = await driver.fetch('q', { max: 1, leaseMs: 1_000 });
    advance(10);
    await driver.fail('q', [{ id: 'a', token: leased!.token, error: { message: 'x' } }]);
    await flushMicrotasks();
    expect(events.map((event) => event.at)).toEqual([now() - 20, now() - 10, now(), now()]);
    expect(await driver.getJob('q', 'a')).toMatchObject({ finishedAt: now(), errors: [{ at: now() }] });
  });

  it('trims completed jobs by age on the clock', async () => {
    const { driver, advance } = clocked();
    await driver.enqueue([job('old'), job('young')]);
    const [old, young] = await driver.fetch('q', { max: 2, leaseMs: 60_000 });
    await driver.complete('q', [{ id: 'old', token: old!.token, result: '1' }]);
    advance(5_000);
    await driver.complete('q', [{ id: 'young', token: young!.token, result: '1', retention: { age: 4_999 } }]);
    expect((await driver.list('q', 'completed', { offset: 0, limit: 10 })).map((record) => record.id)).toEqual(['young']);
  });

  it('sleeps in waitForWork only until the earliest delayed job is due on the clock', async () => {
    const { driver, now } = clocked();
    await driver.enqueue([job('d', { runAt: now() + 50 })]);
    const started = Date.now();
    await driver.waitForWork(['q'], 10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('MemoryDriver limits and isolation', () => {
  it('keeps as many errors as maxErrorsKept says', async () => {
    const driver = new MemoryDriver({ maxErrorsKept: 2 });
    await driver.enqueue([job('a', { maxAttempts: 5 })]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [leased] = await driver.fetch('q', { max: 1, leaseMs: 1_000 });
      await driver.fail('q', [{ id: 'a', token: leased!.token, error: { message: `${attempt}` }, retryAt: 0 }]);
    }
    expect((await driver.getJob('q', 'a'))?.errors.map((error) => error.message)).toEqual(['2', '3']);
  });

  it('recovers at most 1000 expired leases per fetch, the rest on the next', async () => {
    const { driver, advance } = clocked();
    await driver.enqueue(Array.from({ length: 1_500 }, (_, index) => job(`j${index}`, { maxAttempts: 2 })));
    await driver.fetch('q', { max: 1_500, leaseMs: 100 });
    advance(1_000);
    expect(await driver.fetch('q', { max: 0, leaseMs: 100 })).toEqual([]);
    expect(await driver.counts('q')).toMatchObject({ waiting: 1_000, active: 500 });
    await driver.fetch('q', { max: 0, leaseMs: 100 });
    expect(await driver.counts('q')).toMatchObject({ waiting: 1_500, active: 0 });
  });

  it('stops delivering events on close and resolves later waits at once', async () => {
    const driver = new MemoryDriver();
    const seen: string[] = [];
    driver.subscribe((event) => seen.push(event.type));
    const enqueued = driver.enqueue([job('a')]);
    await driver.close();
    await enqueued;
    await driver.enqueue([job('b')]);
    await flushMicrotasks();
    expect(seen).toEqual([]);
    const started = Date.now();
    await driver.waitForWork(['q'], 10_000);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('keeps delivering to other subscribers when one throws', async () => {
    const driver = new MemoryDriver();
    const seen: string[] = [];
    driver.subscribe(() => {
      throw new Error('subscriber bug');
    });
    driver.subscribe((event) => seen.push(event.id));
    await driver.enqueue([job('a'), job('b')]);
    await flushMicrotasks();
    expect(seen).toEqual(['a', 'b']);
  });

  it('keeps two instances fully apart', async () => {
    const a = new MemoryDriver();
    const b = new MemoryDriver();
    const seenByB: string[] = [];
    b.subscribe((event) => seenByB.push(event.id));
    await a.enqueue([job('x')]);
    await a.setSchedulePaused({ name: 's', queue: 'q' }, true);
    await a.pause('q');
    await flushMicrotasks();
    expect(await b.getJob('q', 'x')).toBeNull();
    expect(await b.queues()).toEqual([]);
    expect(await b.scheduleStates([{ name: 's', queue: 'q' }])).toEqual({});
    expect(await b.isPaused('q')).toBe(false);
    expect(seenByB).toEqual([]);
  });
});
