import type { ProducerPort } from './driver-ports.js';
import type { EnqueueResult, NewJob } from './job-record.js';

/**
 * A driver that can enqueue inside the application's own database transaction
 * (`enqueue(..., { transaction })`): the jobs exist if and only if it commits.
 * Optional: core refuses the option for a driver without it (unless an outbox is set).
 */
export interface TransactionalProducerPort {
  /** `transaction` is whatever the application passed; the driver checks its shape. */
  enqueueInTransaction(transaction: object, jobs: NewJob[]): Promise<EnqueueResult[]>;
}

/** How far a relay is behind: what the dashboard and health checks show. */
export interface OutboxLag {
  /** Committed jobs not yet handed to the driver. */
  pending: number;
  /** ms since the oldest of them committed; 0 when none. */
  oldestMs: number;
  /**
   * Committed jobs the driver refused for good (a `dependsOn` job that does not
   * exist), kept by the outbox for inspection instead of run. Absent: the outbox
   * does not track them.
   */
  rejected?: number;
}

/**
 * Transactional enqueue for a driver that cannot join the application's
 * transaction (Redis): jobs are written to an outbox in that transaction and
 * relayed to the driver after commit, exactly once per job id.
 * Set with `JobsModule.forRoot({ driver, outbox })`.
 */
export interface JobsOutbox {
  /** Writes the jobs into `transaction`; they reach the driver once it commits. */
  write(transaction: object, jobs: NewJob[]): Promise<EnqueueResult[]>;
  /** Starts relaying to `target`; each app calls it once, after the driver opened. */
  start(target: ProducerPort): Promise<void>;
  /** Stops relaying (before the driver closes); pairs with `start`. */
  stop(): Promise<void>;
  /** Jobs committed and not yet relayed. */
  lag(): Promise<OutboxLag>;
}

export function canEnqueueInTransaction(driver: object): driver is TransactionalProducerPort {
  return typeof (driver as Partial<TransactionalProducerPort>).enqueueInTransaction === 'function';
}
