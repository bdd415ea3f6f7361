import type { Logger } from '@nestjs/common';
import type { LeasedJob } from '../driver/job-record.js';
import type { FailItem, QueueDriver } from '../driver/queue-driver.interface.js';
import { JobTimeoutError } from '../errors/job-timeout.error.js';
import { RetryRequest } from '../errors/retry-request.js';
import { UnrecoverableJobError } from '../errors/unrecoverable-job.error.js';
import type { JobDefinition } from '../registry/job-definition.js';
import { fromJson, toJson } from '../serialization/json.js';
import type { AckBatcher } from './ack-batcher.js';
import { backoffDelay } from './backoff.js';
import { JobAbort } from './job-abort.js';
import { createJobContext } from './job-context.factory.js';
import { LeaseLostError, ShutdownAbortError, toStoredError } from './job-error.js';
import type { LeaseKeeper } from './lease-keeper.js';

export interface JobRunnerDeps {
  driver: QueueDriver;
  acks: AckBatcher;
  leases: LeaseKeeper;
  maxPayloadBytes: number;
  logger: Logger;
}

type Outcome = { ok: true; value: unknown } | { ok: false; thrown: unknown };

/** Runs one leased job to a settlement: complete, retry, dead, or (shutdown) lease handed back. */
export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  /** Abort states of running handlers, so a forced shutdown can abort them all (no listener per job). */
  private readonly running = new Set<JobAbort>();

  /** Aborts every running handler: shutdown ran out of time. Their leases are handed back. */
  abortAll(): void {
    for (const controller of this.running) controller.abort(new ShutdownAbortError('Shutdown timeout reached'));
  }

  /**
   * Resolves once the handler has finished and its settlement is handed to
   * the ack batcher (not written yet): the slot frees while the write is in
   * flight, so the next fetch overlaps it.
   */
  async run(job: LeasedJob, definition: JobDefinition | undefined): Promise<void> {
    const controller = new JobAbort();
    this.deps.leases.hold(job.queue, job.id, job.token, () =>
      controller.abort(new LeaseLostError(`Lease of job ${job.id} was lost (expired or removed)`)),
    );
    try {
      if (!definition) {
        return this.dead(job, {
          name: 'UnknownJobError',
          message: `No handler for job name "${job.name}" on queue "${job.queue}" in this application.`,
        });
      }
      let payload: unknown;
      try {
        payload = fromJson(job.payload);
      } catch (error) {
        return this.dead(job, { name: 'CorruptJobError', message: `Payload of job ${job.id} is not valid JSON: ${String(error)}` });
      }
      this.running.add(controller);
      const outcome = await this.invoke(job, definition, payload, controller).finally(() => this.running.delete(controller));
      await this.settle(job, definition, outcome, controller.reason);
    } finally {
      this.deps.leases.drop(job.queue, job.id);
    }
  }

  private async invoke(
    job: LeasedJob,
    definition: JobDefinition,
    payload: unknown,
    controller: JobAbort,
  ): Promise<Outcome> {
    const ctx = createJobContext(job, definition.handler, controller, this.deps.driver, this.deps.maxPayloadBytes);
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
    if (reason instanceof LeaseLostError) {
      this.deps.logger.warn(`${definition.handler} ${job.id}: ${reason.message}; another worker owns it now.`);
      return;
    }
    if (reason instanceof ShutdownAbortError) {
      await this.deps.driver.release(job.queue, [{ id: job.id, token: job.token }]).catch(() => undefined);
      return;
    }
    if (outcome.ok) {
      let result: string;
      try {
        result = toJson(outcome.value ?? null, `result of job "${definition.handler}" (id ${job.id})`, this.deps.maxPayloadBytes);
      } catch (error) {
        return this.dead(job, toStoredError(error));
      }
      void this.deps.acks.settle(job.queue, {
        kind: 'complete',
        item: { id: job.id, token: job.token, result, retention: definition.removeOnComplete },
      });
      return;
    }
    this.failed(job, definition, outcome.thrown);
  }

  private failed(job: LeasedJob, definition: JobDefinition, thrown: unknown): void {
    const triesLeft = job.attempt < job.maxAttempts;
    if (thrown instanceof RetryRequest) {
      if (triesLeft) return this.retry(job, undefined, Date.now() + thrown.delayMs);
      return this.dead(job, { name: 'RetryLimitError', message: `ctx.retry() on the last attempt (${job.attempt}/${job.maxAttempts})` });
    }
    const error = toStoredError(thrown);
    if (thrown instanceof UnrecoverableJobError || !triesLeft) {
      this.deps.logger.error(`${definition.handler} ${job.id} is dead after attempt ${job.attempt}/${job.maxAttempts}: ${error.message}`);
      return this.dead(job, error);
    }
    const delay = backoffDelay(definition.backoff, job.attempt);
    this.deps.logger.warn(`${definition.handler} ${job.id} failed attempt ${job.attempt}/${job.maxAttempts}: ${error.message}; retrying in ${delay} ms`);
    return this.retry(job, error, Date.now() + delay);
  }

  private retry(job: LeasedJob, error: FailItem['error'], retryAt: number): void {
    void this.deps.acks.settle(job.queue, { kind: 'fail', item: { id: job.id, token: job.token, error, retryAt } });
  }

  private dead(job: LeasedJob, error: NonNullable<FailItem['error']>): void {
    void this.deps.acks.settle(job.queue, { kind: 'fail', item: { id: job.id, token: job.token, error } });
  }
}
