import type { QueueDriver } from '@nest-jobs/core';
import type { CallWindow, Model } from './model.js';
import type { Prng } from './prng.js';

/**
 * Time as a driver under fuzz sees it. The memory driver takes an injected
 * clock, so its runs are exact and replay step for step; Redis reads its own
 * TIME, so there time really passes and the model allows for call windows.
 */
export interface FuzzClock {
  now(): number;
  advance(ms: number): Promise<void>;
  /** ms of rounding between now() and the backend's clock. */
  readonly slack: number;
}

export class VirtualClock implements FuzzClock {
  readonly slack = 0;
  private at = 1_700_000_000_000;

  now(): number {
    return this.at;
  }

  advance(ms: number): Promise<void> {
    this.at += ms;
    return Promise.resolve();
  }
}

export class RealClock implements FuzzClock {
  /** Redis TIME and Date.now read the same host clock, each rounded down to the ms. */
  readonly slack = 2;

  now(): number {
    return Date.now();
  }

  advance(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export interface FuzzStats {
  /** Complete/fail/extend/release refused because another fetch now held the job. */
  staleRejected: number;
  leasesExpired: number;
  deaths: number;
  revived: number;
  /** Unfinished jobs cancelled, of which `cancelledActive` were held by a lease. */
  cancelled: number;
  cancelledActive: number;
  /** Jobs whose outcome fell inside a call window and was taken from the driver (Redis only). */
  timingResolved: number;
}

export interface FuzzContext {
  readonly driver: QueueDriver;
  readonly queue: string;
  readonly model: Model;
  readonly rng: Prng;
  readonly clock: FuzzClock;
  readonly stats: FuzzStats;
  /** Ids a step changed or asked about: the check reads them back with getJob too. */
  readonly touched: Set<string>;
  /** Counter for fresh job ids. */
  nextId: number;
}

/** An invariant the driver broke; the runner adds the seed and the steps that led here. */
export class Violation extends Error {
  override readonly name = 'Violation';
}

export function expectSame(what: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Violation(`${what}: expected ${e}, got ${a}`);
}

/** Runs a driver call and notes the window in which the backend read its clock. */
export async function timed<T>(ctx: FuzzContext, call: () => Promise<T>): Promise<{ value: T; window: CallWindow }> {
  const t0 = ctx.clock.now();
  const value = await call();
  return { value, window: { t0, t1: ctx.clock.now(), slack: ctx.clock.slack } };
}
