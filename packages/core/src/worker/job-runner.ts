import type { Logger } from '@nestjs/common';
import type { LeasedJob } from '../driver/job-record.js';
import type { FailItem } from '../driver/driver-items.js';
import type { WorkerPort } from '../driver/driver-ports.js';
import { JobTimeoutError } from '../errors/job-timeout.error.js';
import { RetryRequest } from '../errors/retry-request.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { UnrecoverableJobError } from '../errors/unrecoverable-job.error.js';
import type { JobDefinition } from '../registry/job-definition.js';
import { fromJson, toJson } from '../serialization/json.js';
import type { AckBatcher, Settlement } from './ack-batcher.js';
import { backoffDelay } from './backoff.js';
import { JobAbort } from './job-abort.js';
import { createJobContext } from './job-context.factory.js';
import { LeaseLostError, ShutdownAbortError, toStoredError } from './job-error.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { JobsTracing } from '../tracing/tracing.interface.js';

export interface JobRunnerDeps {
  driver: Pick<WorkerPort, 'release' | 'progress' | 'dependencies'>;
  acks: AckBatcher;
  leases: LeaseKeeper;
  maxPayloadBytes: number;
  logger: Logger;
  /** Epoch ms that retry times count from (JobsTester's virtual clock in testing mode). */
  now: () => number;
  /** Null when tracing is off: a try then runs with no tracing work at all. */
  tracing: JobsTracing | null;
}

type Outcome = { ok: true; value: unknown } | { ok: false; thrown: unknown };

/** Runs one leased job to a settlement: complete, retry, dead, or (shutdown) lease handed back. */
export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  /** Abort states of the jobs held (running, or waiting for a slot), so a forced shutdown can abort them all (no listener per job). */
  private readonly running = new Set<JobAbort>();

  /** Aborts every held job: shutdown ran out of time. Their leases are handed back; a waiting job never starts. */
  abortAll(): void {
    for (const controller of this.running) controller.abort(new ShutdownAbortError('Shutdown timeout reached'));
  }

  /**
   * Resolves once the handler has finished and its settlement is handed to
   * the ack batcher (not written yet): the slot frees while the write is in
   * flight, so the next fetch overlaps it. The lease is held (renewed) from
   * this call on, also while the job waits for `turn` (its handler's slot).
   */
  async run(job: LeasedJob, definition: JobDefinition | undefined, turn: Promise<void> = Promise.resolve()): Promise<void> {
    const controller = new JobAbort();
    this.deps.leases.hold(job, (reason) => controller.abort(reason));
    this.running.add(controller);
    try {
      await turn;
      // Lost its lease, or shutdown ran out of time, while it waited for a slot: it never starts.
      if (isAbandoning(controller.reason)) return await this.abandon(job, definition, controller.reason);
      if (!definition) {
        return this.dead(job, undefined, {
          name: 'UnknownJobError',
          message: `No handler for job name "${job.name}" on queue "${job.queue}" in this application.`,
        });
      }
      let payload: unknown;
      try {
        payload = fromJson(job.payload);
      } catch (error) {
        return this.dead(job, definition, { name: 'CorruptJobError', message: `Payload of job ${job.id} is not valid JSON: ${String(error)}` });
      }
      const outcome = await this.invoke(job, definition, payload, controller);
      await this.settle(job, definition, outcome, controller.reason);
    } finally {
      this.running.delete(controller);
      this.deps.leases.drop(job.queue, job.id, job.token);
    }
  }

  private invoke(job: LeasedJob, definition: JobDefinition, payload: unknown, controller: JobAbort): Promise<Outcome> {
    const tracing = this.deps.tracing;
    if (!tracing) return this.attempt(job, definition, payload, controller, undefined);
    return tracing.process(job, (traceId) => this.attempt(job, definition, payload, controller, traceId));
  }

  private async attempt(
    job: LeasedJob,
    definition: JobDefinition,
    payload: unknown,
    controller: JobAbort,
    traceId: string | undefined,
  ): Promise<Outcome> {
    const ctx = createJobContext(job, definition.handler, controller, this.deps.driver, this.deps.maxPayloadBytes, traceId);
    const timer = definition.timeout === undefined
      ? undefined
      : setTimeout(() => controller.abort(new JobTimeoutError(definition.timeout!)), definition.timeout);
    // A handler that ignores its signal must not hold the slot past the abort: race it.
    const aborted = new Promise<never>((_, reject) => controller.onAbort(reject));
    aborted.catch(() => undefined);
    try {
      return { ok: true, value: await Promise.race([definition.invoke(payload, ctx), aborted]) };
    } catch (thrown) {
      return { ok: false, thrown };
    } finally {
      clearTimeout(timer);
    }
  }

  private async settle(job: LeasedJob, definition: JobDefinition, outcome: Outcome, reason: Error | undefined): Promise<void> {
    if (isAbandoning(reason)) return this.abandon(job, definition, reason);
    if (outcome.ok) {
      let result: string;
      try {
        result = toJson(outcome.value ?? null, `result of job "${definition.handler}" (id ${job.id})`, this.deps.maxPayloadBytes);
      } catch (error) {
        return this.dead(job, definition, toStoredError(error));
      }
      this.write(job, definition, { kind: 'complete', item: { id: job.id, token: job.token, result, retention: definition.removeOnComplete } });
      return;
    }
    this.failed(job, definition, outcome.thrown);
  }

  /** Ends a try whose outcome must not be written: its lease is gone, or shutdown hands it back. */
  private async abandon(job: LeasedJob, definition: JobDefinition | undefined, reason: LeaseLostError | ShutdownAbortError | JobCancelledError): Promise<void> {
    if (reason instanceof JobCancelledError) {
      this.deps.logger.log(`${definition?.handler ?? job.name}: job ${job.id} was cancelled while it ran (attempt ${job.attempt}); its outcome is not written.`);
      return;
    }
    if (reason instanceof LeaseLostError) {
      this.deps.logger.warn(`${definition?.handler ?? job.name}: ${reason.message}; the outcome of attempt ${job.attempt} is not written.`);
      return;
    }
    await this.deps.driver.release(job.queue, [{ id: job.id, token: job.token }]).catch(() => undefined);
  }

  private failed(job: LeasedJob, definition: JobDefinition, thrown: unknown): void {
    if (thrown instanceof RateLimitedError) return this.rateLimited(job, definition, thrown);
    const triesLeft = job.attempt < job.maxAttempts;
    if (thrown instanceof RetryRequest) {
      if (triesLeft) return this.retry(job, definition, undefined, this.deps.now() + thrown.delayMs);
      return this.dead(job, definition, { name: 'RetryLimitError', message: `ctx.retry() on the last attempt (${job.attempt}/${job.maxAttempts})` });
    }
    const error = toStoredError(thrown);
    if (thrown instanceof UnrecoverableJobError || !triesLeft) {
      this.deps.logger.error(`${definition.handler} ${job.id} is dead after attempt ${job.attempt}/${job.maxAttempts}: ${error.message}`);
      return this.dead(job, definition, error);
    }
    const delay = backoffDelay(definition.backoff, job.attempt);
    this.deps.logger.warn(`${definition.handler} ${job.id} failed attempt ${job.attempt}/${job.maxAttempts}: ${error.message}; retrying in ${delay} ms`);
    return this.retry(job, definition, error, this.deps.now() + delay);
  }

  /** Held, not failed: the try is not counted. A hold that is no number of ms is a bug in the handler: it fails the try. */
  private rateLimited(job: LeasedJob, definition: JobDefinition, thrown: RateLimitedError): void {
    const ms = thrown.retryAfterMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      const message = `RateLimitedError: retryAfterMs must be a number of ms ≥ 0 (got ${String(ms)})`;
      return this.failed(job, definition, new Error(message));
    }
    const scope = job.group === undefined ? `job "${job.name}"` : `group "${job.group}" of job "${job.name}"`;
    this.deps.logger.warn(`${definition.handler} ${job.id}: rate limited; holding ${scope} for ${ms} ms (attempt not counted)`);
    this.write(job, definition, { kind: 'fail', item: { id: job.id, token: job.token, rateLimitedUntil: this.deps.now() + ms } });
  }

  private retry(job: LeasedJob, definition: JobDefinition, error: FailItem['error'], retryAt: number): void {
    this.write(job, definition, { kind: 'fail', item: { id: job.id, token: job.token, error, retryAt } });
  }

  private dead(job: LeasedJob, definition: JobDefinition | undefined, error: NonNullable<FailItem['error']>): void {
    this.write(job, definition, { kind: 'fail', item: { id: job.id, token: job.token, error } });
  }

  /**
   * Hands a settlement to the batcher and says so when it did not count: a
   * synchronous handler never sees its signal abort, so this is the only trace.
   */
  private write(job: LeasedJob, definition: JobDefinition | undefined, settlement: Settlement): void {
    void this.deps.acks.settle(job.queue, settlement).then((outcome) => {
      if (outcome === 'ok') return;
      const what = settlement.kind === 'complete' ? 'completion'
        : settlement.item.rateLimitedUntil !== undefined ? 'rate-limit hold'
        : settlement.item.retryAt === undefined ? 'failure (dead)' : 'failure (retry)';
      const why = outcome === 'lost'
        ? 'refused: its lease was lost (it lapsed and the job was leased again, or the job was cancelled or removed)'
        : 'not written: the driver kept failing (see the error above); the lease will lapse and the job run again';
      this.deps.logger.warn(`${definition?.handler ?? job.name}: ${what} of job ${job.id} on queue "${job.queue}" (attempt ${job.attempt}) ${why}.`);
    });
  }
}

/** Reasons that end a try without writing its outcome. */
function isAbandoning(reason: Error | undefined): reason is LeaseLostError | ShutdownAbortError | JobCancelledError {
  return reason instanceof LeaseLostError || reason instanceof ShutdownAbortError || reason instanceof JobCancelledError;
}
