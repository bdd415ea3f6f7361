import { RandomText, type CompleteItem, type FailItem, type FetchOptions, type LeasedJob, type LeaseOutcome, type LeaseRef, type WorkerPort } from '@nest-jobs/core/driver';
import { completeScript, extendScript, failScript, fetchScript, progressScript, releaseScript } from './lua/worker.scripts.js';
import type { DriverContext } from './driver-context.js';
import { QueueReadiness } from './queue-readiness.js';
import { WakeSubscriber } from './wake-subscriber.js';
import { WakeWaiter } from './wake-waiter.js';

/** Jobs promoted from delayed, or recovered from expired leases, per fetch at most. */
const FETCH_MAINTENANCE_BOUND = 1_000;

/** The worker's side of RedisDriver: lease, settle, extend, release, progress, and the idle wait. */
export class RedisWorker implements Omit<WorkerPort, 'dependencies'> {
  private readonly waiter: WakeWaiter;
  private readonly wakes: WakeSubscriber;
  private readonly nonces = new RandomText();
  private readonly cancelWatchers = new Set<(queue: string, id: string) => void>();
  private readonly scheduleWatchers = new Set<() => void>();

  constructor(
    private readonly context: DriverContext,
    report: (error: unknown) => void,
    /** Jobs settled here left hand-over records for jobs blocked on them (RedisDependencies applies them). */
    private readonly handedOver: (queue: string) => void = () => undefined,
  ) {
    const { client, keys } = context;
    const readiness = new QueueReadiness(client, keys);
    this.wakes = new WakeSubscriber(
      client, keys, (queue) => this.waiter.notify(queue), (queue, id) => this.cancelled(queue, id), () => this.resynced(), report,
      () => this.scheduleWatchers.forEach((watcher) => watcher()),
    );
    this.waiter = new WakeWaiter((queue) => readiness.read([queue]), this.wakes);
  }

  /** Work may have arrived in `queue` (a local enqueue or tick): idle workers here fetch without waiting for the wake-up message. */
  notify(queue: string): void {
    this.waiter.notify(queue);
  }

  /** Hears of running jobs cancelled in any process, on the wake-up subscription (started now, if not yet). */
  watchCancels(listener: (queue: string, id: string) => void): () => void {
    this.cancelWatchers.add(listener);
    void this.context.ready().then(() => this.wakes.start()).catch(() => undefined);
    return () => this.cancelWatchers.delete(listener);
  }

  /** Hears of runtime schedules saved or removed in any process, on the wake-up subscription. */
  watchSchedules(listener: () => void): () => void {
    const own = (): void => listener();
    this.scheduleWatchers.add(own);
    void this.context.ready().then(() => this.wakes.start()).catch(() => undefined);
    return () => this.scheduleWatchers.delete(own);
  }

  /** Back after a reconnect: messages may be lost, so queues are re-checked and schedules re-read. */
  private resynced(): void {
    this.waiter.resync();
    this.scheduleWatchers.forEach((watcher) => watcher());
  }

  private cancelled(queue: string, id: string): void {
    for (const watcher of this.cancelWatchers) watcher(queue, id);
  }

  /** Ends pending waits at once, then drops the wake-up subscription. */
  close(): Promise<void> {
    this.waiter.close();
    return this.wakes.close();
  }

  async fetch(queue: string, options: FetchOptions): Promise<LeasedJob[]> {
    const { runner } = this.context;
    await this.context.ready();
    await this.context.layout.ensure(queue);
    // A fresh random part per call: tokens never repeat for a job, even when Redis loses writes and its token counter goes back.
    const nonce = this.nonces.next();
    const signalsBefore = this.waiter.signalCount;
    const { jobs, dueIn } = await runner.call(fetchScript, queue, { max: options.max, leaseMs: options.leaseMs, bound: FETCH_MAINTENANCE_BOUND, nonce });
    this.waiter.fetched(queue, { drained: jobs.length < options.max, signalsBefore, leasedFor: jobs.length > 0 ? options.leaseMs : undefined, dueIn });
    return jobs;
  }

  async complete(queue: string, items: CompleteItem[]): Promise<LeaseOutcome[]> {
    await this.context.ready();
    if (items.length === 0) return [];
    const { outcomes, handedOver } = await this.context.runner.call(completeScript, queue, items);
    if (handedOver) this.handedOver(queue);
    return outcomes;
  }

  async fail(queue: string, items: FailItem[]): Promise<LeaseOutcome[]> {
    await this.context.ready();
    if (items.length === 0) return [];
    const { outcomes, handedOver } = await this.context.runner.call(failScript, queue, items);
    if (handedOver) this.handedOver(queue);
    return outcomes;
  }

  async extend(queue: string, items: LeaseRef[], leaseMs: number): Promise<LeaseOutcome[]> {
    await this.context.ready();
    return items.length === 0 ? [] : this.context.runner.call(extendScript, queue, { items, leaseMs });
  }

  async release(queue: string, items: LeaseRef[]): Promise<LeaseOutcome[]> {
    await this.context.ready();
    return items.length === 0 ? [] : this.context.runner.call(releaseScript, queue, items);
  }

  async progress(queue: string, item: LeaseRef, progress: string): Promise<LeaseOutcome> {
    await this.context.ready();
    return this.context.runner.call(progressScript, queue, { item, progress });
  }

  /**
   * Resolves with the queues that may have work: told by a wake-up message, a local enqueue, a due time
   * or the slow safety re-check (see WakeWaiter); [] after `timeoutMs`. Sends no command while it waits.
   */
  async waitForWork(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    await this.context.ready();
    return this.waiter.wait(queues, timeoutMs, signal);
  }
}
