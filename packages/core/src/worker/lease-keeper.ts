import type { QueueDriver } from '../driver/queue-driver.interface.js';

interface HeldLease {
  token: string;
  onLost: () => void;
}

/**
 * Renews every lease this process holds, in one `extend` call per queue every
 * third of the lease, so a handler may run far longer than `leaseMs`. A lease
 * found lost (expired and taken by another worker, or the job removed) aborts
 * its handler's signal: its result would be refused anyway.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Map<string, HeldLease>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: QueueDriver,
    private readonly leaseMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.leaseMs / 3)));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  hold(queue: string, id: string, token: string, onLost: () => void): void {
    let leases = this.held.get(queue);
    if (!leases) this.held.set(queue, (leases = new Map<string, HeldLease>()));
    leases.set(id, { token, onLost });
  }

  drop(queue: string, id: string): void {
    this.held.get(queue)?.delete(id);
  }

  /** Leases still held, by queue (for handing them back at shutdown). */
  snapshot(): Array<{ queue: string; id: string; token: string }> {
    return [...this.held].flatMap(([queue, leases]) => [...leases].map(([id, lease]) => ({ queue, id, token: lease.token })));
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held].map(async ([queue, leases]) => {
        const refs = [...leases].map(([id, lease]) => ({ id, token: lease.token }));
        if (refs.length === 0) return;
        try {
          const outcomes = await this.driver.extend(queue, refs, this.leaseMs);
          outcomes.forEach((outcome, index) => {
            const ref = refs[index]!;
            const lease = leases.get(ref.id);
            if (outcome === 'lost' && lease?.token === ref.token) {
              leases.delete(ref.id);
              lease.onLost();
            }
          });
        } catch (error) {
          this.onError(error);
        }
      }),
    );
  }
}
