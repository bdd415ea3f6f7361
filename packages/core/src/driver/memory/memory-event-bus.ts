import type { DriverEvent } from '../driver-event.js';

type Listener = (event: DriverEvent) => void;

/**
 * Delivers a MemoryDriver's events to every subscriber, in order, in a
 * microtask: never inside the driver call that caused them, as with Redis.
 */
export class MemoryEventBus {
  private readonly listeners = new Set<Listener>();
  private readonly outbox: DriverEvent[] = [];
  private flushScheduled = false;
  private closed = false;

  emit(event: DriverEvent): void {
    if (this.closed || this.listeners.size === 0) return;
    this.outbox.push(event);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  subscribe(listener: Listener): () => void {
    // Wrapped so one function subscribed twice gets every event twice, like two subscriptions.
    const subscription: Listener = (event) => listener(event);
    this.listeners.add(subscription);
    return () => void this.listeners.delete(subscription);
  }

  reopen(): void {
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.outbox.length = 0;
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const event of this.outbox.splice(0)) {
      for (const listener of [...this.listeners]) {
        // Unsubscribed during this flush: deliver nothing more.
        if (!this.listeners.has(listener)) continue;
        try {
          listener(event);
        } catch {
          // A throwing subscriber must not starve the others or break the driver.
        }
      }
    }
  }
}
