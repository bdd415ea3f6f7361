import type { LeasedJob } from '../driver/job-record.js';
import type { JobReader, WorkerPort } from '../driver/driver-ports.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { LeaseLostError } from './job-error.js';

/** What the keeper needs of a leased job: a lease is one try, named by job id AND fencing token. */
export type LeaseOf = Pick<LeasedJob, 'queue' | 'id' | 'token' | 'attempt'> & Partial<Pick<LeasedJob, 'name'>>;

/** Why a held job must stop: its lease is gone, or it was cancelled. */
export type LeaseEnd = LeaseLostError | JobCancelledError;

interface HeldLease {
  token: string;
  attempt: number;
  name: string;
  /** Epoch ms the keeper took it: a stall seen since then may be why it lapsed. */
  heldAt: number;
  onLost: (reason: LeaseEnd) => void;
}

/**
 * Renews every lease this process holds, in one `extend` call per queue every
 * third of the lease, so a handler may run far longer than `leaseMs`. A lease
 * is one try of a job, (id, token): when it is found lost, or when this very
 * process leases the job again under a new token (the old lease lapsed while
 * the event loop was blocked), the old try's handler is aborted at once, as
 * its outcome would be refused anyway; only its own token's entry is dropped.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Map<string, HeldLease>>();
  private readonly renewEveryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  /** The latest renewal tick that came far too late: the event loop was blocked that long. */
  private lastStall: { at: number; gapMs: number } | undefined;

  /**
   * `reader` tells a cancelled job from a lapsed lease when a renewal finds the
   * lease lost (the cancel message may have been missed: pub/sub is
   * at-most-once), so its handler still stops with JobCancelledError.
   */
  constructor(
    private readonly driver: Pick<WorkerPort, 'extend'>,
    private readonly leaseMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly reader?: Pick<JobReader, 'getJob'>,
  ) {
    this.renewEveryMs = Math.max(50, Math.floor(leaseMs / 3));
  }

  start(): void {
    if (this.timer) return;
    this.lastTickAt = this.now();
    this.timer = setInterval(() => this.tick(), this.renewEveryMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Renews `lease` from now on until {@link drop}. A lease this process still
   * holds on the same job under another token is stale: its `onLost` runs now.
   */
  hold(lease: LeaseOf, onLost: (reason: LeaseEnd) => void): void {
    let leases = this.held.get(lease.queue);
    if (!leases) this.held.set(lease.queue, (leases = new Map<string, HeldLease>()));
    const stale = leases.get(lease.id);
    leases.set(lease.id, { token: lease.token, attempt: lease.attempt, name: lease.name ?? '', heldAt: this.now(), onLost });
    if (stale && stale.token !== lease.token) {
      stale.onLost(new LeaseLostError(
        `Lease of job ${lease.id} on queue "${lease.queue}" (attempt ${stale.attempt}) lapsed ${this.likelyCause(stale)} ` +
        `and this process leased it again as attempt ${lease.attempt}`,
      ));
    }
  }

  /** The job was cancelled: its lease (whatever its token) is void, and its handler stops with JobCancelledError. */
  cancel(queue: string, id: string): void {
    const leases = this.held.get(queue);
    const lease = leases?.get(id);
    if (!lease) return;
    leases!.delete(id);
    lease.onLost(new JobCancelledError(id, lease.name));
  }

  /** Stops renewing the lease of `token`; a newer lease of the same job is left alone. */
  drop(queue: string, id: string, token: string): void {
    const leases = this.held.get(queue);
    if (leases?.get(id)?.token === token) leases.delete(id);
  }

  /** Leases still held, by queue (for handing them back at shutdown). */
  snapshot(): Array<{ queue: string; id: string; token: string }> {
    return [...this.held].flatMap(([queue, leases]) => [...leases].map(([id, lease]) => ({ queue, id, token: lease.token })));
  }

  private tick(): void {
    const now = this.now();
    const gapMs = now - this.lastTickAt;
    this.lastTickAt = now;
    // A tick two periods late means nothing ran, renewals included: the event loop was blocked.
    if (gapMs > 2 * this.renewEveryMs) this.lastStall = { at: now, gapMs };
    void this.renewAll();
  }

  /** Why a lease held since `heldAt` probably lapsed: a stall seen since then, or one still going on. */
  private likelyCause(lease: HeldLease): string {
    const ongoingMs = this.timer ? this.now() - this.lastTickAt : 0;
    const seenMs = this.lastStall && this.lastStall.at >= lease.heldAt ? this.lastStall.gapMs : 0;
    const blockedMs = Math.max(seenMs, ongoingMs > 2 * this.renewEveryMs ? ongoingMs : 0);
    return blockedMs > 0
      ? `(event loop blocked for ${blockedMs} ms?)`
      : `(no renewal reached the driver within ${this.leaseMs} ms)`;
  }

  /** JobCancelledError when the job now stands cancelled (a read only on a lost lease), else `lapsed`. */
  private async whyLost(queue: string, id: string, lease: HeldLease, lapsed: LeaseLostError): Promise<LeaseEnd> {
    if (!this.reader) return lapsed;
    const record = await this.reader.getJob(queue, id).catch(() => null);
    if (record?.state !== 'cancelled') return lapsed;
    const last = record.errors.at(-1);
    return new JobCancelledError(id, lease.name, last?.name === 'JobCancelledError' ? last.message : undefined);
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
            if (outcome !== 'lost' || lease?.token !== ref.token) return;
            leases.delete(ref.id);
            const lapsed = new LeaseLostError(
              `Lease of job ${ref.id} on queue "${queue}" (attempt ${lease.attempt}) could not be renewed: it lapsed ` +
              `${this.likelyCause(lease)} and the job was leased again, or it was removed`,
            );
            void this.whyLost(queue, ref.id, lease, lapsed).then((reason) => lease.onLost(reason));
          });
        } catch (error) {
          this.onError(error);
        }
      }),
    );
  }
}
