import type { FlowLimits, FlowStatus, LaneStatus, RateLimit } from '../driver-items.js';
import { LazyIndex } from './lazy-index.js';
import type { StoredJob } from './stored-job.js';

interface LaneEntry {
  job: StoredJob;
  seq: number;
}

/** One lane: the waiting jobs of a limited name, or of one group of it, by priority then FIFO. */
interface Lane {
  key: string;
  name: string;
  group?: string;
  index: LazyIndex<LaneEntry>;
  size: number;
}

/** Why a lane cannot start a job now, and when it may again (undefined: when a running job ends). */
interface Blocked {
  until?: number;
}

/**
 * Flow control of one memory queue: lanes for limited jobs, taking turns in a rotation
 * (a lane that started a job or could not goes to the back), the names' limits, the
 * starts and running jobs they count, and holds from RateLimitedError.
 */
export class MemoryFlow {
  limits = new Map<string, FlowLimits>();
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with waiting jobs, in turn order. */
  private rotation: string[] = [];
  private readonly running = new Map<string, Set<string>>();
  private readonly starts = new Map<string, number[]>();
  private readonly holds = new Map<string, number>();

  constructor(private readonly isLive: (job: StoredJob, seq: number) => boolean) {}

  static laneKey(job: Pick<StoredJob, 'name' | 'group'>): string {
    return job.group === undefined ? job.name : `${job.name}\u0000${job.group}`;
  }

  /** Jobs of the name are held (RateLimitedError on a job without limits): they wait in the name's lane meanwhile. */
  isHeld(name: string, now: number): boolean {
    return (this.holds.get(name) ?? 0) > now;
  }

  push(job: StoredJob, seq: number): void {
    const key = MemoryFlow.laneKey(job);
    let lane = this.lanes.get(key);
    if (!lane) {
      const index = new LazyIndex<LaneEntry>(
        (a, b) => b.job.priority - a.job.priority || a.seq - b.seq,
        (entry) => this.isLive(entry.job, entry.seq),
      );
      this.lanes.set(key, (lane = { key, name: job.name, group: job.group, index, size: 0 }));
    }
    lane.index.push({ job, seq });
    if (lane.size++ === 0) this.rotation.push(key);
  }

  /** A job left a lane (started, removed, expired): keeps the lane's size right. */
  left(job: StoredJob): void {
    const lane = this.lanes.get(MemoryFlow.laneKey(job));
    if (lane && lane.size > 0 && --lane.size === 0) {
      this.lanes.delete(lane.key);
      this.rotation = this.rotation.filter((key) => key !== lane.key);
    }
  }

  /** Has at least one lane with waiting jobs, limits or not. */
  hasWaiting(): boolean {
    return this.rotation.length > 0;
  }

  /**
   * The next job of the first lane in turn that may start one now; lanes that may not go to
   * the back. Undefined when none may: `blockedUntil` then says when one may (undefined:
   * when a running job ends).
   */
  take(now: number): { job?: StoredJob; blockedUntil?: number } {
    let blockedUntil: number | undefined;
    for (let turns = this.rotation.length; turns > 0; turns--) {
      const key = this.rotation.shift()!;
      this.rotation.push(key);
      const lane = this.lanes.get(key)!;
      const blocked = this.blocked(lane, now);
      if (blocked) {
        if (blocked.until !== undefined) blockedUntil = Math.min(blockedUntil ?? Infinity, blocked.until);
        continue;
      }
      const job = lane.index.pop()?.job;
      if (job) return { job };
    }
    return { blockedUntil };
  }

  /** Sets the named jobs' limits; `{}` removes a name's. */
  setLimits(limits: Record<string, FlowLimits>): void {
    for (const [name, value] of Object.entries(limits)) {
      if (Object.keys(value).length === 0) this.limits.delete(name);
      else this.limits.set(name, structuredClone(value));
    }
  }

  /** Whether a lane may start a job now; else the earliest time one may (none: when a running job ends). */
  probe(now: number): { ready: boolean; until?: number } {
    let until: number | undefined;
    for (const key of this.rotation) {
      const blocked = this.blocked(this.lanes.get(key)!, now);
      if (!blocked) return { ready: true };
      if (blocked.until !== undefined) until = Math.min(until ?? Infinity, blocked.until);
    }
    return { ready: false, until };
  }

  /** Counts a start against the job's limits. */
  started(job: StoredJob, now: number): void {
    const limits = this.limits.get(job.name);
    for (const key of this.counters(job)) {
      setOf(this.running, key).add(job.id);
      // Starts are logged only where a rate limit reads them.
      if (key === job.name ? limits?.rate : limits?.groupRate) (this.starts.get(key) ?? this.starts.set(key, []).get(key)!).push(now);
    }
  }

  /** A running job ended (settled, released, recovered, removed): its slot is free. */
  stopped(job: StoredJob): void {
    for (const key of this.counters(job)) this.running.get(key)?.delete(job.id);
  }

  /** Forgets starts, holds and running jobs counted (JobsTester.reset); the limits stay. */
  forgetUsage(): void {
    this.running.clear();
    this.starts.clear();
    this.holds.clear();
  }

  hold(job: StoredJob, until: number): void {
    const key = MemoryFlow.laneKey(job);
    this.holds.set(key, Math.max(until, this.holds.get(key) ?? 0));
  }

  status(now: number, laneLimit: number): FlowStatus {
    const names = [...new Set([...this.limits.keys(), ...[...this.lanes.values()].map((lane) => lane.name)])].sort();
    const lanes: LaneStatus[] = [...this.lanes.values()]
      .sort((a, b) => b.size - a.size)
      .slice(0, laneLimit)
      .map((lane) => {
        const limits = this.limits.get(lane.name);
        return {
          name: lane.name,
          ...(lane.group !== undefined && { group: lane.group }),
          waiting: lane.size,
          running: this.running.get(lane.key)?.size ?? 0,
          ...(limits?.[lane.group === undefined ? 'rate' : 'groupRate'] && {
            startsInWindow: this.inWindow(lane.key, limits[lane.group === undefined ? 'rate' : 'groupRate']!, now).count,
          }),
          ...(this.isHeld(lane.key, now) && { heldUntil: this.holds.get(lane.key) }),
        };
      });
    return {
      limits: Object.fromEntries(this.limits),
      names: names.map((name) => {
        const rate = this.limits.get(name)?.rate;
        return {
          name,
          running: this.running.get(name)?.size ?? 0,
          ...(rate && { startsInWindow: this.inWindow(name, rate, now).count }),
          ...(this.isHeld(name, now) && { heldUntil: this.holds.get(name) }),
        };
      }),
      lanes,
    };
  }

  private blocked(lane: Lane, now: number): Blocked | undefined {
    const limits = this.limits.get(lane.name) ?? {};
    const checks: Array<Blocked | undefined> = [
      this.heldCheck(lane.key, now),
      this.rateCheck(lane.name, limits.rate, now),
      this.concurrencyCheck(lane.name, limits.concurrency),
    ];
    if (lane.group !== undefined) {
      checks.push(this.rateCheck(lane.key, limits.groupRate, now), this.concurrencyCheck(lane.key, limits.groupConcurrency));
    }
    let result: Blocked | undefined;
    for (const check of checks) {
      if (!check) continue;
      // Blocked until the latest of the reasons; a slot-bound reason has no time.
      if (!result) result = check;
      else if (result.until !== undefined) result = check.until === undefined ? check : { until: Math.max(result.until, check.until) };
    }
    return result;
  }

  private heldCheck(key: string, now: number): Blocked | undefined {
    const until = this.holds.get(key);
    if (until === undefined) return undefined;
    if (until > now) return { until };
    this.holds.delete(key);
    return undefined;
  }

  private rateCheck(key: string, rate: RateLimit | undefined, now: number): Blocked | undefined {
    if (!rate) return undefined;
    const { count, oldest } = this.inWindow(key, rate, now);
    return count < rate.max ? undefined : { until: oldest! + rate.perMs };
  }

  private concurrencyCheck(key: string, limit: number | undefined): Blocked | undefined {
    return limit !== undefined && (this.running.get(key)?.size ?? 0) >= limit ? {} : undefined;
  }

  /** Starts within the window ending now (older ones are dropped). */
  private inWindow(key: string, rate: RateLimit, now: number): { count: number; oldest?: number } {
    const log = this.starts.get(key) ?? [];
    let drop = 0;
    while (drop < log.length && log[drop]! <= now - rate.perMs) drop++;
    if (drop > 0) log.splice(0, drop);
    return { count: log.length, oldest: log[0] };
  }

  /** Keys counting a job's starts and slots: its name's, and its group lane's. */
  private counters(job: StoredJob): string[] {
    return job.group === undefined ? [job.name] : [job.name, MemoryFlow.laneKey(job)];
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
