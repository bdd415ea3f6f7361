import type { AnyClient } from './connection.js';
import { duplicateForBlocking } from './connection.js';
import type { KeySchema } from './keys.js';

interface Waiter {
  queues: ReadonlySet<string>;
  wake: () => void;
}

/** Seconds one BLPOP blocks; short, so a loop notices quickly that nobody waits any more. */
const BLOCK_SECONDS = 1;

/**
 * Idle workers block on each queue's marker list instead of polling. One
 * blocking connection per queue serves every waiter of this process (and
 * works on Redis Cluster, where one BLPOP may not span slots). A marker taken
 * when nobody here waits any more is pushed back for another process.
 */
export class MarkerWaiter {
  private readonly waiters = new Set<Waiter>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly connections = new Map<string, AnyClient>();
  private closed = false;

  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves true when a marker (or a local enqueue) woke it, false on timeout, abort or close. */
  wait(queues: string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woken: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve(woken && !this.closed);
      };
      const done = (): void => finish(false);
      const waiter: Waiter = { queues: new Set(queues), wake: () => finish(true) };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(waiter);
      for (const queue of queues) this.ensureLoop(queue);
    });
  }

  /** Wakes local waiters at once (this process enqueued into the queue). */
  notify(queue: string): void {
    for (const waiter of [...this.waiters]) if (waiter.queues.has(queue)) waiter.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
    for (const connection of this.connections.values()) connection.disconnect();
    await Promise.allSettled([...this.loops.values()]);
    this.connections.clear();
  }

  private ensureLoop(queue: string): void {
    if (this.loops.has(queue)) return;
    const loop = this.run(queue).finally(() => this.loops.delete(queue));
    this.loops.set(queue, loop);
  }

  private hasWaiter(queue: string): boolean {
    for (const waiter of this.waiters) if (waiter.queues.has(queue)) return true;
    return false;
  }

  private async run(queue: string): Promise<void> {
    let connection = this.connections.get(queue);
    if (!connection) this.connections.set(queue, (connection = duplicateForBlocking(this.client, BLOCK_SECONDS * 1_000)));
    const marker = this.keys.marker(queue);
    while (!this.closed && this.hasWaiter(queue)) {
      try {
        const popped = await connection.blpop(marker, BLOCK_SECONDS);
        if (!popped) continue;
        if (this.hasWaiter(queue)) this.notify(queue);
        else await this.client.lpush(marker, '1');
      } catch (error) {
        if (this.closed) return;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
