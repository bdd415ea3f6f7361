import type { JobEventType, QueueDriver } from '@nest-jobs/core';
import { Violation } from './context.js';

export type EventTally = Record<JobEventType, number>;

export function emptyTally(): EventTally {
  return { enqueued: 0, active: 0, progress: 0, completed: 0, retrying: 0, failed: 0, dead: 0, skipped: 0, expired: 0, 'rate-limited': 0, cancelled: 0, blocked: 0, unblocked: 0 };
}

/**
 * Counts a queue's events from the moment of subscription. A second settle
 * that slips through, or a state change without its event, shows here even
 * when every state list looks right.
 */
export class EventCounter {
  readonly seen = emptyTally();
  private readonly unsubscribe: () => void;

  constructor(driver: QueueDriver, queue: string) {
    this.unsubscribe = driver.subscribe((event) => {
      if (event.queue === queue) this.seen[event.type]++;
    });
  }

  /** Waits for delivery (Redis reads a stream, memory a microtask later) until the tally matches, then compares. */
  async expect(expected: EventTally, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!same(this.seen, expected) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!same(this.seen, expected)) throw new Violation(`events: expected ${JSON.stringify(expected)}, got ${JSON.stringify(this.seen)}`);
  }

  close(): void {
    this.unsubscribe();
  }
}

function same(a: EventTally, b: EventTally): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
