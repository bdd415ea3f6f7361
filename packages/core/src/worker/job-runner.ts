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

  async run(job: LeasedJob, definition: JobDefinition | undefined, shutdown: AbortSignal): Promise<void> {
    const controller = new AbortController();
    this.deps.leases.hold(job.queue, job.id, job.token, () =>
      controller.abort(new LeaseLostError(`Lease of job ${job.id} was lost (expired or removed)`)),
    );
    try {
      if (!definition) {
        return await this.dead(job, {
          name: 'UnknownJobError',
          message: `No handler for job name "${job.name}" on queue "${job.queue}" in this application.`,
        });
      }
      let payload: unknown;
      try {
        payload = fromJson(job.payload);
      } catch (error) {
        return await this.dead(job, { name: 'CorruptJobError', message: `Payload of job ${job.id} is not valid JSON: ${String(error)}` });
      }
      const outcome = await this.invoke(job, definition, payload, controller, shutdown);
      await this.settle(job, definition, outcome, controller.signal);
    } finally {
      this.deps.leases.drop(job.queue, job.id);
    }
  }

  private async invoke(
    job: LeasedJob,
    definition: JobDefinition,
    payload: unknown,
    controller: AbortController,
    shutdown: AbortSignal,
  ): Promise<Outcome> {
    const ctx = createJobContext(job, definition.handler, controller.signal, this.deps.driver, this.deps.maxPayloadBytes);
    const timer = definition.timeout === undefined
      ? undefined
      : setTimeout(() => controller.abort(new JobTimeoutError(definition.timeout!)), definition.timeout);
    const onShutdown = (): void => controller.abort(new ShutdownAbortError('Shutdown timeout reached'));
    shutdown.addEventListener('abort', onShutdown, { once: true });
    // A handler that ignores its signal must not hold the slot past the abort: race it.
    const aborted = new Promise<never>((_, reject) => {
      const rejectWithReason = (): void => reject(controller.signal.reason as Error);
      if (controller.signal.aborted) rejectWithReason();
      controller.signal.addEventListener('abort', rejectWithReason, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return { ok: true, value: await Promise.race([definition.invoke(payload, ctx), aborted]) };
    } catch (thrown) {
      return { ok: false, thrown };
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }

  private async settle(job: LeasedJob, definition: JobDefinition, outcome: Outcome, signal: AbortSignal): Promise<void> {
    const reason: unknown = signal.aborted ? signal.reason : undefined;
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
      await this.deps.acks.settle(job.queue, {
        kind: 'complete',
        item: { id: job.id, token: job.token, result, retention: definition.removeOnComplete },
      });
      return;
    }
    await this.failed(job, definition, outcome.thrown);
  }

  private async failed(job: LeasedJob, definition: JobDefinition, thrown: unknown): Promise<void> {
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

  private async retry(job: LeasedJob, error: FailItem['error'], retryAt: number): Promise<void> {
    await this.deps.acks.settle(job.queue, { kind: 'fail', item: { id: job.id, token: job.token, error, retryAt } });
  }

  private async dead(job: LeasedJob, error: NonNullable<FailItem['error']>): Promise<void> {
    await this.deps.acks.settle(job.queue, { kind: 'fail', item: { id: job.id, token: job.token, error } });
  }
}
