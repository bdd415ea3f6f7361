import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from '@jest/globals';
import type { DriverEvent } from '../driver/driver-event.js';
import type { LeasedJob, NewJob } from '../driver/job-record.js';
import type { QueueDriver } from '../driver/queue-driver.interface.js';

export type DriverFactory = () => QueueDriver | Promise<QueueDriver>;

/** Per-test state shared by the conformance themes: a fresh driver and a queue name no other test uses. */
export interface Fixture {
  readonly driver: QueueDriver;
  readonly queue: string;
  /** A job for this test's queue, runnable now unless overridden. */
  job(overrides?: Partial<NewJob>): NewJob;
  /** Enqueues jobs and returns their ids. */
  add(...overrides: Array<Partial<NewJob>>): Promise<string[]>;
  /** Fetches with a lease of `leaseMs` (default 10 s). */
  fetch(max?: number, leaseMs?: number): Promise<LeasedJob[]>;
  /** Events of this test's queue, collected since the test began. */
  readonly events: DriverEvent[];
  /** Scales every time-based bound (slow backends raise it). */
  ms(value: number): number;
}

export function useFixture(createDriver: DriverFactory, timeScale: number): Fixture {
  let driver: QueueDriver | undefined;
  let queue = '';
  let unsubscribe: (() => void) | undefined;
  const events: DriverEvent[] = [];

  beforeEach(async () => {
    driver = await createDriver();
    await driver.open();
    queue = `conformance-${randomUUID().slice(0, 8)}`;
    events.length = 0;
    unsubscribe = driver.subscribe((event) => {
      if (event.queue === queue) events.push(event);
    });
    await driver.registerQueues([queue]);
  });

  afterEach(async () => {
    unsubscribe?.();
    await driver?.close();
    driver = undefined;
  });

  const fixture: Fixture = {
    get driver(): QueueDriver {
      if (!driver) throw new Error('conformance: driver used outside a test');
      return driver;
    },
    get queue(): string {
      return queue;
    },
    events,
    job(overrides = {}) {
      const now = Date.now();
      return { id: randomUUID(), queue, name: 'conformance.job', payload: '{"n":1}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now, ...overrides };
    },
    async add(...overrides) {
      const jobs = (overrides.length ? overrides : [{}]).map((override) => fixture.job(override));
      const results = await fixture.driver.enqueue(jobs);
      return results.map((result) => result.id);
    },
    fetch(max = 10, leaseMs = 10_000) {
      return fixture.driver.fetch(queue, { max, leaseMs });
    },
    ms: (value) => Math.round(value * timeScale),
  };
  return fixture;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until true; events arrive asynchronously on every driver. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`conformance: timed out waiting for ${what}`);
    await sleep(5);
  }
}
