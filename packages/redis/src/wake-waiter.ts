import type { WakeSubscriber } from './wake-subscriber.js';

/** Whether a queue has a job to fetch now, else in how many ms one falls due (delayed job or lapsing lease). */
export type ReadinessOf = (queue: string) => Promise<{ ready: boolean; dueIn?: number }>;

interface Waiter {
  queues: ReadonlySet<string>;
  /** Hands the waiter the pending queues it waits for; resolves it if there were any. */
  take: () => void;
  /** Resolves it with nothing (close). */
  end: () => void;
}

/** With few queues, each is re-read about this often in case a wake-up was lost. */
const SWEEP_PERIOD_MS = 5_000;
/** At most one safety re-read per this many ms (~20 commands/s), however many queues: more queues stretch the round. */
const SWEEP_STEP_MS = 250;
/** A due time is looked at this much late: the server's clock decides, and an early look only re-plans. */
const DUE_SLACK_MS = 2;

/**
 * Tells idle workers which of their queues may have work, at a cost flat in
 * the number of queues. It learns from: wake-up messages (one subscription),
 * local enqueues, due times (delayed jobs, lapsing leases) read once per queue
 * and again after a fetch drained a queue that was signalled, and a slow
 * safety round that re-reads one queue at a time. After a lost subscription,
 * every queue is re-read once.
 */
export class WakeWaiter {
  private readonly watched: string[] = [];
  private readonly watchedSet = new Set<string>();
  /** May have work, not yet handed to a waiter: queue → the number of the signal that said so. */
  private readonly pending = new Map<string, number>();
  /** Numbers every signal, so a fetch can tell which signals it has already answered. */
  private signals = 0;
  /** Signalled since its due time was last read: re-read it once a fetch drains it. */
  private readonly stale = new Set<string>();
  private readonly dueAt = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly checking = new Map<string, boolean>();
  private dueTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepIndex = 0;
  private closed = false;

  constructor(
    private readonly readiness: ReadinessOf,
    private readonly subscriber: WakeSubscriber,
  ) {}

  /** Resolves with the queues that may have work, or [] on timeout, abort or close. */
  wait(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    if (this.closed || signal?.aborted) return Promise.resolve([]);
    this.watch(queues);
    const ready = this.take(queues);
    if (ready.length > 0) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const finish = (taken: string[]): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve(this.closed ? [] : taken);
      };
      const done = (): void => finish([]);
      const waiter: Waiter = {
        queues: new Set(queues),
        take: () => {
          const taken = this.take(queues);
          if (taken.length > 0) finish(taken);
        },
        end: done,
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** A wake-up message, or a job this process enqueued: the queue may have work. */
  notify(queue: string): void {
    if (!this.watchedSet.has(queue)) return;
    this.stale.add(queue);
    this.signal(queue);
  }

  /** The number to pass to {@link fetched}, taken just before a fetch is sent. */
  get signalCount(): number {
    return this.signals;
  }

  /**
   * After each fetch. Signals older than the fetch are answered by it (the
   * fetch saw the queue after them; if it left jobs behind it published a new
   * wake-up), so a wait does not end for work already taken. Leases this
   * fetch took run out at `leasedFor` ms at the latest: a wait wakes then to
   * recover them if their worker died (a renewal only moves the due time on).
   * A drained queue that was signalled gets its next due time: from the fetch
   * itself when it said (`dueIn`, null for none), else by a read.
   */
  fetched(queue: string, result: { drained: boolean; signalsBefore: number; leasedFor?: number; dueIn?: number | null }): void {
    const signal = this.pending.get(queue);
    if (signal !== undefined && signal <= result.signalsBefore) this.pending.delete(queue);
    if (result.leasedFor !== undefined) {
      const due = Date.now() + result.leasedFor;
      if (!(due >= (this.dueAt.get(queue) ?? Infinity))) {
        this.dueAt.set(queue, due);
        this.scheduleDue();
      }
    }
    if (result.drained && this.stale.delete(queue)) {
      if (result.dueIn === undefined) this.check(queue);
      else this.planDue(queue, result.dueIn);
    }
  }

  /** Re-reads every queue once (the subscription was lost for a while). */
  resync(): void {
    this.watched.forEach((queue) => this.check(queue));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.dueTimer);
    clearTimeout(this.sweepTimer);
    for (const waiter of [...this.waiters]) waiter.end();
  }

  private watch(queues: string[]): void {
    const fresh = queues.filter((queue) => !this.watchedSet.has(queue));
    if (fresh.length === 0) return;
    fresh.forEach((queue) => {
      this.watchedSet.add(queue);
      this.watched.push(queue);
    });
    // Subscribed first, then read: a job enqueued in between is seen by one or the other.
    void this.subscriber.start().then(() => fresh.forEach((queue) => this.check(queue)));
    if (!this.sweepTimer) this.scheduleSweep();
  }

  private take(queues: string[]): string[] {
    const taken = queues.filter((queue) => this.pending.has(queue));
    taken.forEach((queue) => this.pending.delete(queue));
    return taken;
  }

  private signal(queue: string): void {
    this.pending.set(queue, ++this.signals);
    for (const waiter of [...this.waiters]) if (waiter.queues.has(queue)) waiter.take();
  }

  /** Reads one queue's readiness; a read asked for while one runs is done once after it. */
  private check(queue: string): void {
    if (this.closed) return;
    if (this.checking.has(queue)) {
      this.checking.set(queue, true);
      return;
    }
    this.checking.set(queue, false);
    this.readiness(queue).then(({ ready, dueIn }) => {
      if (this.closed) return;
      if (ready) {
        this.dueAt.delete(queue);
        this.stale.add(queue);
        this.signal(queue);
        this.scheduleDue();
      } else this.planDue(queue, dueIn ?? null);
    }, () => {
      // Redis failed to answer: let the worker fetch, whose error it reports and retries; the fetch
      // draining the queue brings this read back.
      this.stale.add(queue);
      this.signal(queue);
    }).finally(() => {
      const again = this.checking.get(queue);
      this.checking.delete(queue);
      if (again) this.check(queue);
    });
  }

  /** The queue has nothing to fetch now; something falls due in `dueIn` ms (null: nothing). */
  private planDue(queue: string, dueIn: number | null): void {
    if (dueIn === 0) {
      this.dueAt.delete(queue);
      this.stale.add(queue);
      this.signal(queue);
    } else if (dueIn === null) this.dueAt.delete(queue);
    else this.dueAt.set(queue, Date.now() + dueIn);
    this.scheduleDue();
  }

  private scheduleDue(): void {
    clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    if (this.dueAt.size === 0 || this.closed) return;
    const earliest = Math.min(...this.dueAt.values());
    this.dueTimer = setTimeout(() => {
      const now = Date.now();
      for (const [queue, at] of this.dueAt) {
        if (at > now) continue;
        this.dueAt.delete(queue);
        this.check(queue);
      }
      this.scheduleDue();
    }, Math.max(0, earliest - Date.now()) + DUE_SLACK_MS);
    this.dueTimer.unref();
  }

  private scheduleSweep(): void {
    if (this.closed) return;
    this.sweepTimer = setTimeout(() => {
      const queue = this.watched[this.sweepIndex++ % this.watched.length];
      if (queue !== undefined) this.check(queue);
      this.scheduleSweep();
    }, Math.max(SWEEP_STEP_MS, SWEEP_PERIOD_MS / Math.max(1, this.watched.length)));
    this.sweepTimer.unref();
  }
}
