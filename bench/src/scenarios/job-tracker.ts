import type { BenchPayload, JobListener } from '../peers/peer.js';

const STALL_MS = 30_000;

/**
 * Counts handler starts per job sequence number: proves every job ran exactly
 * once, and resolves when `target` distinct jobs have started.
 */
export class JobTracker {
  readonly listener: JobListener;
  private readonly seen: Uint8Array;
  private distinct = 0;
  private duplicates = 0;
  private lastProgress = performance.now();
  private reached: (() => void) | undefined;

  constructor(private readonly total: number, private readonly onStart?: (payload: BenchPayload, now: number) => void) {
    this.seen = new Uint8Array(total);
    this.listener = (payload) => {
      const now = performance.now();
      this.onStart?.(payload, now);
      this.lastProgress = now;
      if (payload.i < 0 || payload.i >= total) throw new Error(`Unexpected job #${payload.i}`);
      if (this.seen[payload.i]! > 0) this.duplicates++;
      else this.distinct++;
      this.seen[payload.i] = Math.min(255, this.seen[payload.i]! + 1);
      if (this.reached && this.distinct >= this.target) this.reached();
    };
  }

  private target = Infinity;

  get started(): number {
    return this.distinct;
  }

  /** Resolves with `performance.now()` once `target` distinct jobs started; rejects when progress stalls. */
  waitForStarts(target: number): Promise<number> {
    this.target = target;
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (performance.now() - this.lastProgress > STALL_MS) {
          clearInterval(timer);
          reject(new Error(`Stalled at ${this.distinct}/${target} jobs for ${STALL_MS / 1000} s`));
        }
      }, 1_000);
      const done = (): void => {
        clearInterval(timer);
        this.reached = undefined;
        resolve(performance.now());
      };
      this.reached = done;
      if (this.distinct >= target) done();
    });
  }

  /** Throws unless each of jobs 0..count-1 started exactly once (and no other job ran twice). */
  assertExactlyOnce(count = this.total): void {
    if (this.duplicates > 0) throw new Error(`${this.duplicates} job(s) ran more than once`);
    let missing = 0;
    for (let i = 0; i < count; i++) if (this.seen[i] === 0) missing++;
    if (missing > 0) throw new Error(`${missing} of ${count} job(s) never ran`);
  }
}
