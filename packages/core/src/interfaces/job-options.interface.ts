import type { JobRef, RetentionOptions } from '../driver/job-record.js';
import type { FlowOptions } from './flow-options.interface.js';

/** How long to wait before the next try. A number is a fixed delay in ms. */
export type BackoffOptions =
  | number
  | {
      type: 'fixed' | 'exponential';
      /** ms; for exponential, the delay before the second try (doubling after). */
      delay: number;
      /** ms cap for exponential growth. */
      maxDelay?: number;
      /** Spread retries randomly over [delay/2, delay] to avoid thundering herds. */
      jitter?: boolean;
    };

/** Per-job behaviour; set on a decorator, in module `defaults`, or (some) per enqueue. */
export interface JobOptions {
  /** Total tries, first included. Default 1. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Higher runs first; FIFO among equals. Integer, default 0. */
  priority?: number;
  /** ms; `ctx.signal` aborts and the try fails with a JobTimeoutError. */
  timeout?: number;
  /** Keep completed jobs? `true` removes at once; `{ age (ms), count }` trims. */
  removeOnComplete?: RetentionOptions;
}

/** Options of `@Job`, flow control included (see FlowOptions). */
export interface JobDecoratorOptions extends JobOptions, FlowOptions {
  /** Stored job name; default `Class.method`. Keep it stable across renames. */
  name?: string;
  /** Queue the job goes to; default `default`. */
  queue?: string;
  /** Jobs of this handler run at once in one process. Default 1. */
  concurrency?: number;
}

/** Options of `@Cron` and `@Every`. */
export interface ScheduleOptions extends JobOptions {
  /** Schedule name, also the job name; default `Class.method`. */
  name?: string;
  queue?: string;
  /** IANA zone for `@Cron`, DST-correct. Default UTC. */
  timezone?: string;
  /** A tick missed while no scheduler ran: `last` (default) runs the latest one once; `none` skips. */
  catchUp?: 'none' | 'last';
  /** ms: how old a missed tick may be and still be caught up. Default 24 h. */
  catchUpWindow?: number;
  /** False: skip a tick while the previous run is unfinished anywhere. Default true. */
  overlap?: boolean;
}

/** Per-call options of `Producer.enqueue`. */
export interface EnqueueOptions {
  /** ms from now. */
  delay?: number;
  /** Absolute time; wins over `delay`. */
  runAt?: Date | number;
  /** Idempotency key: enqueue with an id that exists returns the existing job. */
  jobId?: string;
  priority?: number;
  attempts?: number;
  /**
   * Enqueue inside the application's own database transaction: the job exists
   * if and only if it commits. A pg client after BEGIN, a TypeORM QueryRunner
   * or EntityManager. Needs a driver that supports it (PostgresDriver) or an
   * `outbox` on the module; other drivers refuse it. One transaction per call.
   */
  transaction?: object;
  /**
   * Jobs this one waits for, in any queue: JobHandles or `{ queue, id }`. It stays `blocked` until
   * all ended, then runs; `ctx.dependencies()` gives their results in this order. Each must exist
   * already (else MissingDependencyError, nothing written), so dependencies never form a cycle.
   */
  dependsOn?: ReadonlyArray<JobRef>;
  /**
   * A dependency that ended without completing (dead, cancelled, expired, removed): `fail` (default)
   * ends this job dead with a DependencyFailedError, unrun; `ignore` runs it anyway, and
   * `ctx.dependencies()` gives `undefined` for that dependency.
   */
  onDependencyFailure?: 'fail' | 'ignore';
}
