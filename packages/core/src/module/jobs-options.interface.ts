import type { QueueDriver } from '../driver/queue-driver.interface.js';
import type { JobsOutbox } from '../driver/transactional.js';
import type { JobOptions } from '../interfaces/job-options.interface.js';

/** What this process does: run handlers and schedules (`worker`), only enqueue (`producer`), or both. */
export type JobsMode = 'all' | 'worker' | 'producer';

/** Options of `JobsModule.forRoot` / `forRootAsync`. */
export interface JobsModuleOptions {
  /** `new RedisDriver({ url })` in production, `new MemoryDriver()` in dev and tests. The module closes it on shutdown. */
  driver: QueueDriver;
  /**
   * Transactional enqueue for a driver that cannot join the application's
   * transaction: `new PostgresOutbox({ pool })` with a RedisDriver. Every
   * instance relays committed jobs to the driver. Default none.
   */
  outbox?: JobsOutbox;
  /** Default: env `JOBS_MODE`, else `all`. */
  mode?: JobsMode;
  /** Queues this process consumes. Default: env `JOBS_QUEUES=a,b`, else every queue with a handler. */
  queues?: string[];
  /** Job options under every decorator's own. */
  defaults?: JobOptions;
  /** ms to let in-flight jobs finish on shutdown before aborting them. Default 10 000. */
  shutdownTimeout?: number;
  /** Largest payload or result, bytes of JSON. Default 512 KiB. */
  maxPayloadBytes?: number;
  /** ms a fetched job stays leased without renewal; renewed every third of it. Default 30 000. */
  leaseMs?: number;
  /** Most jobs leased per fetch round trip, 1 to 1000. Default 50. */
  fetchBatchSize?: number;
  /**
   * Testing mode, for tests of job code: nothing runs until `JobsTester`
   * (from '@nest-jobs/core/testing') says so, on a virtual clock it owns.
   * Needs a `MemoryDriver` (without its own `now`). Default off.
   */
  testing?: boolean | JobsTestingOptions;
  /**
   * OpenTelemetry spans (needs `@opentelemetry/api`, loaded only when this is
   * set): `send <queue>` per enqueue, `process <name>` per try. Default off.
   */
  tracing?: boolean | JobsTracingOptions;
}

/** Options of tracing (`JobsModule.forRoot({ tracing: { ... } })`). */
export interface JobsTracingOptions {
  /**
   * How a try's span relates to the enqueue's: `link` (default) starts a trace
   * of its own linked to it, `child` continues the enqueue's trace.
   */
  parent?: 'link' | 'child';
}

/** Options of testing mode (`JobsModule.forRoot({ testing: { ... } })`). */
export interface JobsTestingOptions {
  /** Where the virtual clock starts. Default: the real time at bootstrap. */
  startAt?: Date | number;
  /** Rounds `drain()` runs (jobs, then the jobs they enqueued, ...) before it gives up with an error. Default 100. */
  maxDrainRounds?: number;
}
