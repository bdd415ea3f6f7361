import type { LeaseOutcome } from '../driver/job-record.js';
import type { CompleteItem, FailItem } from '../driver/driver-items.js';
import type { WorkerPort } from '../driver/driver-ports.js';

export type Settlement = { kind: 'complete'; item: CompleteItem } | { kind: 'fail'; item: FailItem };
/** `lost`: the driver refused it (stale token); `unwritten`: the driver kept failing until the batcher gave up. */
export type SettleOutcome = LeaseOutcome | 'unwritten';
interface Pending {
  settlement: Settlement;
  resolve: (outcome: SettleOutcome) => void;
}

const MAX_BATCH = 500;
const RETRY_BASE_MS = 200;

/**
 * Gathers the settlements of jobs that finish in the same turn of the event
 * loop into one driver call per queue and kind. A failed driver call is
 * retried with backoff until `giveUpAfterMs` (about one lease): past that,
 * lease expiry hands the job to another worker anyway.
 */
export class AckBatcher {
  private readonly pending = new Map<string, Pending[]>();
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private giveUpAt = Infinity;
  private readonly wakeRetries = new Set<() => void>();

  constructor(
    private readonly driver: Pick<WorkerPort, 'complete' | 'fail'>,
    private readonly giveUpAfterMs: number,
    private readonly onError: (error: unknown, queue: string) => void,
  ) {}

  settle(queue: string, settlement: Settlement): Promise<SettleOutcome> {
    return new Promise((resolve) => {
      const list = this.pending.get(queue) ?? [];
      list.push({ settlement, resolve });
      this.pending.set(queue, list);
      if (list.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Resolves when every settlement handed in so far has been written, or given
   * up: at the latest `withinMs` from now (shutdown must not wait a whole lease
   * for an unreachable Redis; the jobs' leases lapse and they run again).
   */
  async drain(withinMs = Infinity): Promise<void> {
    this.giveUpAt = Math.min(this.giveUpAt, Date.now() + withinMs);
    this.wakeRetries.forEach((wake) => wake());
    this.flush();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    this.scheduled = false;
    for (const [queue, list] of this.pending) {
      this.pending.delete(queue);
      const completes = list.filter((entry) => entry.settlement.kind === 'complete');
      const fails = list.filter((entry) => entry.settlement.kind === 'fail');
      if (completes.length) this.track(this.write(queue, completes, (items) => this.driver.complete(queue, items as CompleteItem[])));
      if (fails.length) this.track(this.write(queue, fails, (items) => this.driver.fail(queue, items as FailItem[])));
    }
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async write(
    queue: string,
    entries: Pending[],
    call: (items: Array<CompleteItem | FailItem>) => Promise<LeaseOutcome[]>,
  ): Promise<void> {
    const items = entries.map((entry) => entry.settlement.item);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const outcomes = await call(items);
        entries.forEach((entry, index) => entry.resolve(outcomes[index] ?? 'lost'));
        return;
      } catch (error) {
        this.onError(error, queue);
        if (Date.now() - started > this.giveUpAfterMs || Date.now() >= this.giveUpAt) {
          entries.forEach((entry) => entry.resolve('unwritten'));
          return;
        }
        const backoff = Math.min(RETRY_BASE_MS * 2 ** attempt, 2_000, Math.max(0, this.giveUpAt - Date.now()));
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            this.wakeRetries.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, backoff);
          this.wakeRetries.add(wake);
        });
      }
    }
  }
}
