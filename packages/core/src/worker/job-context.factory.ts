import type { LoggerService } from '@nestjs/common';
import type { LeasedJob } from '../driver/job-record.js';
import type { WorkerPort } from '../driver/driver-ports.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import { RetryRequest } from '../errors/retry-request.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { fromJson, toJson } from '../serialization/json.js';
import type { JobAbort } from './job-abort.js';
import { JobLogger } from './job-logger.js';

/** Builds the `ctx` a handler receives. The logger is created on first use: most jobs never log. */
export function createJobContext(
  job: LeasedJob,
  handler: string,
  abort: JobAbort,
  driver: Pick<WorkerPort, 'progress' | 'dependencies'>,
  maxPayloadBytes: number,
  traceId?: string,
): JobContext {
  let logger: LoggerService | undefined;
  return {
    id: job.id,
    name: job.name,
    queue: job.queue,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    enqueuedAt: new Date(job.enqueuedAt),
    scheduledFor: job.scheduledFor === undefined ? undefined : new Date(job.scheduledFor),
    get signal(): AbortSignal {
      return abort.signal;
    },
    get logger(): LoggerService {
      return (logger ??= new JobLogger(handler, job.id, job.attempt, job.maxAttempts, traceId));
    },
    async progress(value: number | object): Promise<void> {
      const text = toJson(value, `progress of job "${handler}" (id ${job.id})`, maxPayloadBytes);
      await driver.progress(job.queue, { id: job.id, token: job.token }, text);
    },
    retry(options: { delay?: number } = {}): never {
      const delay = options.delay ?? 0;
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
        throw new InvalidJobInputError(`Job "${handler}" (id ${job.id}): ctx.retry delay must be a number of ms ≥ 0 (got ${String(delay)}).`);
      }
      throw new RetryRequest(delay);
    },
    rateLimited(ms: number): never {
      throw new RateLimitedError(ms);
    },
    async dependencies<T extends readonly unknown[]>(): Promise<T> {
      const statuses = await driver.dependencies(job.queue, job.id);
      return (statuses ?? []).map((status) => (status.result === undefined ? status.outcome === 'completed' ? null : undefined : fromJson(status.result))) as unknown as T;
    },
  };
}
