/** Work for a set of queues: resolve with the queues named, or with nothing (any of them). */
interface Waiter {
  queues: ReadonlySet<string>;
  resolve(queues?: readonly string[]): void;
  /** Shortens the sleep to a job that falls due at `at` (epoch ms). */
  dueAt(at: number): void;
}

/** A queue's state for an idle worker: runnable work now, and when a delayed job falls due or a lease runs out. */
export interface WorkStatus {
  queue: string;
  ready: boolean;
  /** Epoch ms as text (bigint), or null. */
  next_at: string | null;
}

/** A wake-up timer fires this much after a due time, so the fetch it triggers finds the job due. */
const DUE_MARGIN_MS = 5;

/**
 * Idle workers parked in `waitForWork`, woken by NOTIFY on the wake channel:
 * `["queue", null]` (work now) or `["queue", at]` (a job falls due at `at`).
 * No polling: one status query per wait, then timers and notifications.
 */
export class WakeWaiters {
  private readonly waiters = new Set<Waiter>();

  /**
   * Resolves with the queues that have work, with nothing when a due time came
   * (fetch them all), or `[]` on timeout and abort.
   */
  wait(queues: string[], timeoutMs: number, signal: AbortSignal | undefined, status: () => Promise<WorkStatus[]>): Promise<readonly string[] | void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let deadline = Infinity;
      let settled = false;
      const finish = (queuesWithWork?: readonly string[], error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(queuesWithWork);
      };
      const sleepUntil = (at: number, onTime: readonly string[] | undefined): void => {
        if (at >= deadline) return;
        deadline = at;
        clearTimeout(timer);
        timer = setTimeout(() => finish(onTime), Math.max(0, at - Date.now()));
      };
      const onAbort = (): void => finish([]);
      const waiter: Waiter = { queues: new Set(queues), resolve: finish, dueAt: (at) => sleepUntil(at + DUE_MARGIN_MS, undefined) };
      // Listening before looking: a wake-up that arrives while the status query runs is not lost.
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      sleepUntil(Date.now() + timeoutMs, []);
      status().then((rows) => {
        const ready = rows.filter((row) => row.ready).map((row) => row.queue);
        if (ready.length > 0) return finish(ready);
        for (const row of rows) if (row.next_at !== null) sleepUntil(Number(row.next_at) + DUE_MARGIN_MS, undefined);
      }, (error: unknown) => finish(undefined, error instanceof Error ? error : new Error(String(error))));
    });
  }

  /** A wake-up notification's payload. */
  notify(payload: string): void {
    let queue: unknown;
    let at: unknown;
    try {
      [queue, at] = JSON.parse(payload) as [unknown, unknown];
    } catch {
      return;
    }
    if (typeof queue !== 'string') return;
    for (const waiter of [...this.waiters]) {
      if (!waiter.queues.has(queue)) continue;
      if (typeof at === 'number') waiter.dueAt(at);
      else waiter.resolve([queue]);
    }
  }

  /** Wakes everyone (close, or notifications possibly missed): they look again. */
  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter.resolve();
  }
}
