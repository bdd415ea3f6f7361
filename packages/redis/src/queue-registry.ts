import type { KeySchema } from './keys.js';
import type { AnyClient } from './connection.js';
import { isOutOfMemory, unreachable } from './redis-unavailable.error.js';

/** How often the queues this process knows are written again to `{prefix}:queues`. */
export const QUEUE_REFRESH_MS = 5_000;

/**
 * The `{prefix}:queues` set that admin and dashboard list queues from. Each
 * queue is added once when first used, then every QUEUE_REFRESH_MS all known
 * queues are added again (one SADD), so the set heals after Redis lost its
 * data (FLUSHALL, a restart without persistence, a failover to an empty replica).
 */
export class QueueRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
    private readonly target: string,
    /** Shared with the driver, which reads it to subscribe to events. */
    private readonly known: Set<string>,
    private readonly onNew: (queue: string) => void,
    private readonly refreshMs = QUEUE_REFRESH_MS,
  ) {}

  /** `operation` names what failed, built only on failure: this runs on every enqueue. */
  async remember(queues: string[], operation: () => string = () => 'register queues'): Promise<void> {
    const fresh = queues.filter((queue) => !this.known.has(queue));
    if (fresh.length === 0) return;
    fresh.forEach((queue) => this.keys.queueKeys(queue)); // validates names before anything is written
    await this.client.sadd(this.keys.queues(), ...fresh).catch(async (error: unknown) => {
      // At maxmemory Redis refuses SADD even of members it has: a worker started to drain a full Redis must still boot.
      if (!isOutOfMemory(error) || !(await this.alreadyRegistered(fresh))) throw unreachable(this.target, operation(), error);
    });
    fresh.forEach((queue) => {
      this.known.add(queue);
      this.onNew(queue);
    });
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs).unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    // Failures are left to the next round: enqueue and fetch report an unreachable Redis themselves.
    await this.client.sadd(this.keys.queues(), ...this.known).catch(() => undefined);
  }

  private async alreadyRegistered(queues: string[]): Promise<boolean> {
    const registered = new Set(await this.client.smembers(this.keys.queues()));
    return queues.every((queue) => registered.has(queue));
  }
}
