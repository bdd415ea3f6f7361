import type { JobCounts, JobState, RetentionOptions } from '../job-record.js';
import { LazyIndex } from './lazy-index.js';
import { MemoryFlow } from './memory-flow.js';
import type { StoredJob } from './stored-job.js';

interface WaitingEntry {
  job: StoredJob;
  seq: number;
}

interface TimedEntry {
  job: StoredJob;
  at: number;
}

/** A delayed job: by run time, then in the order it was delayed (jobs due at once start FIFO). */
interface DelayedEntry extends TimedEntry {
  seq: number;
}

/**
 * One queue's jobs, a map per state (counts are map sizes) and three indexes:
 * waiting in fetch order, delayed by run time, active by lease expiry.
 */
export class MemoryQueue {
  paused = false;
  private readonly jobs = new Map<string, StoredJob>();
  /** Insertion order is entry order, so completed and dead iterate oldest first. */
  private readonly byState: Record<JobState, Map<string, StoredJob>> = {
    blocked: new Map(), waiting: new Map(), delayed: new Map(), active: new Map(), completed: new Map(), dead: new Map(), expired: new Map(), cancelled: new Map(),
  };
  /** Lanes and limits of limited jobs. */
  readonly flow = new MemoryFlow((job, seq) => this.holds(job, 'waiting') && job.seq === seq);
  /** Dedupe keys (`name\0key`) held, and the job that holds each. */
  readonly dedupes = new Map<string, { id: string; until: number }>();
  /** Whose turn it is when both the shared order and lanes have work. */
  private lanesTurn = false;
  private readonly waiting = new LazyIndex<WaitingEntry>(
    (a, b) => b.job.priority - a.job.priority || a.seq - b.seq,
    (entry) => this.holds(entry.job, 'waiting') && entry.job.seq === entry.seq,
  );
  private readonly delayed = new LazyIndex<DelayedEntry>(
    (a, b) => a.at - b.at || a.seq - b.seq,
    (entry) => this.holds(entry.job, 'delayed') && entry.job.runAt === entry.at,
  );
  private readonly leases = new LazyIndex<TimedEntry>(
    (a, b) => a.at - b.at,
    (entry) => this.holds(entry.job, 'active') && entry.job.leaseUntil === entry.at,
  );
  private seq = 0;
  /** Places ahead of every waiting job, handed out downwards (see reserveFront). */
  private front = 0;

  /** `onSlotFree`: a limited job stopped running, so a lane may start one again. */
  constructor(readonly name: string, private readonly onSlotFree: () => void = () => undefined) {}

  get(id: string): StoredJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * Moves a job (new or stored) to a state, keeping indexes right. Entering
   * waiting puts it at the back of its priority, or at place `frontSeq`
   * (from {@link reserveFront}: a released lease).
   */
  place(job: StoredJob, state: JobState, frontSeq?: number): void {
    this.leave(job);
    this.jobs.set(job.id, job);
    job.state = state;
    this.byState[state].set(job.id, job);
    if (state === 'waiting') {
      job.seq = frontSeq ?? ++this.seq;
      if (job.limited || job.group !== undefined) {
        job.inLane = true;
        this.flow.push(job, job.seq);
      } else {
        this.waiting.push({ job, seq: job.seq });
      }
    } else if (state === 'delayed') {
      this.delayed.push({ job, at: job.runAt, seq: ++this.seq });
    }
  }

  /**
   * `count` places ahead of every waiting job, in order: the first returned is
   * the first of them. A released lease runs next; each release goes ahead of
   * the ones before it, and the jobs of one release keep their order.
   */
  reserveFront(count: number): number {
    this.front -= count;
    return this.front;
  }

  /** Gives an active job a lease; a later call (extend) supersedes the earlier one. */
  lease(job: StoredJob, leaseUntil: number, token = job.token): void {
    job.token = token;
    job.leaseUntil = leaseUntil;
    this.leases.push({ job, at: leaseUntil });
  }

  delete(job: StoredJob): void {
    this.leave(job);
    this.jobs.delete(job.id);
  }

  counts(): JobCounts {
    const { blocked, waiting, delayed, active, completed, dead, expired, cancelled } = this.byState;
    return {
      blocked: blocked.size, waiting: waiting.size, delayed: delayed.size, active: active.size, completed: completed.size, dead: dead.size,
      expired: expired.size, cancelled: cancelled.size,
    };
  }

  /**
   * The next job to start, off its index: lanes and the shared order take turns when both
   * have work. None: `blockedUntil` says when a lane may start one (a rate window, a hold).
   */
  takeNext(now: number): { job?: StoredJob; blockedUntil?: number } {
    const lanesFirst = this.flow.hasWaiting() && (this.lanesTurn = !this.lanesTurn);
    if (lanesFirst) {
      const taken = this.flow.take(now);
      if (taken.job) return taken;
      const job = this.takeShared(now);
      return job ? { job } : taken;
    }
    const job = this.takeShared(now);
    if (job) return { job };
    return this.flow.hasWaiting() ? this.flow.take(now) : {};
  }

  /**
   * How long an idle worker may sleep: 0 when a fetch now would find a job, else ms until the
   * earliest delayed job falls due, lease runs out (a crashed worker's job is then recovered at
   * once) or lane may start a job; undefined for none (paused, or only a slot freeing will tell,
   * which wakes waiters itself). No timer per job.
   */
  msUntilWork(now: number): number | undefined {
    if (this.paused) return undefined;
    const readiness = this.readiness(now);
    if (readiness.ready) return 0;
    const times = [this.nextDueAt(), this.nextLeaseExpiry(), readiness.until].filter((at): at is number => at !== undefined);
    return times.length ? Math.max(0, Math.min(...times) - now) : undefined;
  }

  /** Whether a fetch now would find a job; else when a lane may start one. */
  readiness(now: number): { ready: boolean; until?: number } {
    if (this.waiting.peek()) return { ready: true };
    return this.flow.probe(now);
  }

  /** From the shared order; a job whose name is held (RateLimitedError) moves to its name's lane. */
  private takeShared(now: number): StoredJob | undefined {
    for (let job = this.waiting.pop()?.job; job; job = this.waiting.pop()?.job) {
      if (!this.flow.isHeld(job.name, now)) return job;
      job.limited = true;
      this.place(job, 'waiting', job.seq);
    }
    return undefined;
  }

  /** A delayed job whose run time has come, taken off the delayed index. */
  takeDue(now: number): StoredJob | undefined {
    return this.delayed.pop((entry) => entry.at <= now)?.job;
  }

  /** An active job whose lease ran out, taken off the lease index. */
  takeExpired(now: number): StoredJob | undefined {
    return this.leases.pop((entry) => entry.at <= now)?.job;
  }

  nextDueAt(): number | undefined {
    return this.delayed.peek()?.at;
  }

  /** When the earliest lease runs out: an idle worker wakes then to recover the job. */
  nextLeaseExpiry(): number | undefined {
    return this.leases.peek()?.at;
  }

  /** Jobs of a state in the documented listing order (admin use, not the hot path). */
  inState(state: JobState): StoredJob[] {
    const jobs = [...this.byState[state].values()];
    switch (state) {
      case 'waiting':
        return jobs.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      case 'delayed':
        return jobs.sort((a, b) => a.runAt - b.runAt || a.seq - b.seq);
      case 'active':
        return jobs.sort((a, b) => (a.leaseUntil ?? 0) - (b.leaseUntil ?? 0));
      default:
        return jobs.reverse();
    }
  }

  /** Trims completed jobs per the completing job's retention, oldest first. */
  applyRetention(job: StoredJob, retention: RetentionOptions | undefined, now: number): void {
    if (retention === undefined || retention === false) return;
    if (retention === true) return this.delete(job);
    const { age, count } = retention;
    const completed = this.byState.completed;
    for (const candidate of [...completed.values()]) {
      const tooMany = count !== undefined && completed.size > count;
      const tooOld = age !== undefined && (candidate.finishedAt ?? now) < now - age;
      if (!tooMany && !tooOld) break;
      this.delete(candidate);
    }
  }

  private holds(job: StoredJob, state: JobState): boolean {
    return this.jobs.get(job.id) === job && job.state === state;
  }

  private leave(job: StoredJob): void {
    if (this.jobs.get(job.id) !== job) return;
    this.byState[job.state].delete(job.id);
    if (job.inLane && job.state === 'waiting') {
      job.inLane = false;
      this.flow.left(job);
    }
    if (job.state === 'active' && (job.limited || job.group !== undefined)) {
      this.flow.stopped(job);
      this.onSlotFree();
    }
    delete job.token;
    delete job.leaseUntil;
  }
}
