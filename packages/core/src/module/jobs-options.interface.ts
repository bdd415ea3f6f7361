import type { QueueDriver } from '../driver/queue-driver.interface.js';
import type { JobOptions } from '../interfaces/job-options.interface.js';

/** What this process does: run handlers and schedules (`worker`), only enqueue (`producer`), or both. */
export type JobsMode = 'all' | 'worker' | 'producer';

/** Options of `JobsModule.forRoot` / `forRootAsync`. */
export interface JobsModuleOptions {
  /** `new RedisDriver({ url })` in production, `new MemoryDriver()` in dev and tests. The module closes it on shutdown. */
  driver: QueueDriver;
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
}
