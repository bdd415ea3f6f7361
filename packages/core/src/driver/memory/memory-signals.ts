import type { DriverEvent } from '../driver-event.js';

interface Waiter {
  queues: ReadonlySet<string>;
  wake: () => void;
}

/**
 * Wake-ups for idle workers and event delivery for one MemoryDriver. Events
 * are delivered in a microtask, in order, never inside the driver call that
 * caused them, like a Redis driver's would be.
 */
export class MemorySignals {
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private readonly outbox: DriverEvent[] = [];
  private flushing = false;
  private closed = false;

  emit(event: DriverEvent): void {
    if (this.closed || this.listeners.size === 0) return;
    this.outbox.push(event);
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flush());
    }
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves on notify of one of `queues`, after `timeoutMs`, on abort, or on close. */
  wait(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { queues: new Set(queues), wake: done };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(waiter);
    });
  }

  notify(queue: string): void {
    for (const waiter of [...this.waiters]) if (waiter.queues.has(queue)) waiter.wake();
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
    this.listeners.clear();
    this.outbox.length = 0;
  }

  private flush(): void {
    this.flushing = false;
    const events = this.outbox.splice(0);
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch {
          // A throwing subscriber must not starve the others or break the driver.
        }
      }
    }
  }
}
