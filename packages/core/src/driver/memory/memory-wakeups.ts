interface Waiter {
  queues: ReadonlySet<string>;
  wake: () => void;
}

/** Idle workers parked in `waitForWork`, woken by timer, abort, close, or work arriving in their queues. */
export class MemoryWakeups {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Resolves on `notify` of one of `queues`, after `timeoutMs`, on abort, or on close. */
  wait(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { queues: new Set(queues), wake };
      const timer = setTimeout(wake, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.add(waiter);
    });
  }

  notify(queue: string): void {
    for (const waiter of [...this.waiters]) if (waiter.queues.has(queue)) waiter.wake();
  }

  reopen(): void {
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}
