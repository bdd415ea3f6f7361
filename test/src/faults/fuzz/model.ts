import type { JobCounts, JobState } from '@nest-jobs/core';
import { emptyTally } from './events.js';

/** What the fuzz expects of one job. */
export interface ModelJob {
  id: string;
  priority: number;
  maxAttempts: number;
  state: JobState;
  attempt: number;
  /** Length of the driver's error list (it keeps the last 20). */
  errors: number;
  lastError?: string;
  runAt: number;
  /** Bounds of the lease expiry: exact after a fetch, a window after an extend. */
  leaseLo?: number;
  leaseHi?: number;
  token?: string;
  /**
   * Place among equal priorities while waiting, kept through a lease so a
   * release can go back to it. Undefined: the job entered waiting inside a
   * driver call where the drivers may order it either way; the next check
   * learns its place from the driver's waiting list.
   */
  seq?: number;
  /** Order of entry into completed or dead, for the newest-first listings; undefined: learned from the dead list. */
  finishSeq?: number;
}

/** One way a timing-dependent job may have gone, and what that implies for the model. */
export interface Outcome {
  state: JobState;
  apply(job: ModelJob): void;
}

/** Times around one driver call: the backend read its clock somewhere in [t0, t1]. */
export interface CallWindow {
  t0: number;
  t1: number;
  /** Rounding between the test's clock and the backend's (Redis TIME vs Date.now). */
  slack: number;
}

export type Timing = 'passed' | 'future' | 'unsure';

/** Whether an instant in [lo, hi] had come when the backend looked, judged from the call window. */
export function timing(window: CallWindow, lo: number, hi = lo): Timing {
  if (hi <= window.t0 - window.slack) return 'passed';
  if (lo > window.t1 + window.slack) return 'future';
  return 'unsure';
}

export const MAX_ERRORS_KEPT = 20;

/**
 * The fuzz's idea of the queue. It is exact after every checked step: where a
 * step's effect depended on timing, `undecided` lists what was allowed and the
 * check adopts what the driver shows, if it is one of those.
 */
export class Model {
  readonly jobs = new Map<string, ModelJob>();
  readonly removed = new Set<string>();
  /** Every token ever issued, with its job: old ones are replayed to test fencing. */
  readonly tokens: Array<{ id: string; token: string }> = [];
  private readonly issued = new Set<string>();
  readonly undecided = new Map<string, Outcome[]>();
  /** Events the driver owes for the changes so far. */
  readonly events = emptyTally();
  paused = false;
  created = 0;
  private seqCounter = 0;
  private frontCounter = 0;
  private finishCounter = 0;

  nextSeq(): number {
    return ++this.seqCounter;
  }

  nextFinish(): number {
    return ++this.finishCounter;
  }

  counts(): JobCounts {
    const counts: JobCounts = { blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 };
    for (const job of this.jobs.values()) counts[job.state]++;
    return counts;
  }

  idsIn(state: JobState): string[] {
    return [...this.jobs.values()].filter((job) => job.state === state).map((job) => job.id);
  }

  held(id: string, token: string): boolean {
    const job = this.jobs.get(id);
    return job?.state === 'active' && job.token === token;
  }

  /** A token that was valid for this job once, while the job is now leased under another: the fencing case. */
  isStale(id: string, token: string): boolean {
    const job = this.jobs.get(id);
    return job?.state === 'active' && job.token !== token && this.wasIssued(id, token);
  }

  wasIssued(id: string, token: string): boolean {
    return this.issued.has(`${id}#${token}`);
  }

  create(job: ModelJob): void {
    this.jobs.set(job.id, job);
    this.removed.delete(job.id);
    this.created++;
    this.events.enqueued++;
  }

  remove(id: string): void {
    this.jobs.delete(id);
    this.undecided.delete(id);
    this.removed.add(id);
  }

  /** Waiting at the back of its priority (fresh place), or at place `seq` (a release: see reserveFront). */
  toWaiting(job: ModelJob, seq = this.nextSeq()): void {
    job.state = 'waiting';
    job.seq = seq;
    dropLease(job);
  }

  /**
   * `count` places ahead of every waiting job, the first returned first: a
   * released lease goes to the front of its priority (it runs next), each
   * release ahead of the ones before, the jobs of one release in their order.
   */
  reserveFront(count: number): number {
    this.frontCounter -= count;
    return this.frontCounter;
  }

  /** Waiting at a place only the driver knows yet (several jobs entered in one call, order not pinned down). */
  toWaitingUnplaced(job: ModelJob): void {
    job.state = 'waiting';
    job.seq = undefined;
    dropLease(job);
  }

  toDelayed(job: ModelJob, runAt: number): void {
    job.state = 'delayed';
    job.runAt = runAt;
    dropLease(job);
  }

  toCompleted(job: ModelJob): void {
    job.state = 'completed';
    job.finishSeq = this.nextFinish();
    this.events.completed++;
    dropLease(job);
  }

  /** Dead; `placed` false when several jobs die in one call in an order the model leaves open. */
  toDead(job: ModelJob, placed = true): void {
    job.state = 'dead';
    job.finishSeq = placed ? this.nextFinish() : undefined;
    this.events.dead++;
    dropLease(job);
  }

  /** Cancelled: the reason kept as its last error (no 'failed' event: 'cancelled' carries it); decided whatever timing left open. */
  toCancelled(job: ModelJob, reason: string): void {
    job.state = 'cancelled';
    job.errors = Math.min(MAX_ERRORS_KEPT, job.errors + 1);
    job.lastError = reason;
    this.events.cancelled++;
    this.undecided.delete(job.id);
    dropLease(job);
  }

  /** retry/retryAllDead: waiting with fresh tries, announced as enqueued again. */
  revive(job: ModelJob, placed: boolean): void {
    job.attempt = 0;
    if (placed) this.toWaiting(job);
    else this.toWaitingUnplaced(job);
    this.events.enqueued++;
  }

  recordError(job: ModelJob, message: string): void {
    job.errors = Math.min(MAX_ERRORS_KEPT, job.errors + 1);
    job.lastError = message;
    this.events.failed++;
  }

  /** What a lease running out does: the try counts as failed; waiting again, or dead on the last try. */
  expireLease(job: ModelJob): 'waiting' | 'dead' {
    this.recordError(job, 'lease expired');
    if (job.attempt >= job.maxAttempts) this.toDead(job, false);
    else {
      this.toWaitingUnplaced(job);
      this.events.retrying++;
    }
    return job.attempt >= job.maxAttempts ? 'dead' : 'waiting';
  }

  /** A fresh lease from a fetch. */
  lease(job: ModelJob, token: string, leaseUntil: number): void {
    job.state = 'active';
    job.attempt++;
    job.token = token;
    job.leaseLo = job.leaseHi = leaseUntil;
    this.tokens.push({ id: job.id, token });
    this.issued.add(`${job.id}#${token}`);
    this.events.active++;
  }
}

function dropLease(job: ModelJob): void {
  delete job.token;
  delete job.leaseLo;
  delete job.leaseHi;
}
