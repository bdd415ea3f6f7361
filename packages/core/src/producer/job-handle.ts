import type { JobError, JobState } from '../driver/job-record.js';
import type { EventFeed, JobCanceller, JobReader } from '../driver/driver-ports.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { JobFailedError } from '../errors/job-failed.error.js';
import { JobExpiredError } from '../errors/job-expired.error.js';
import { JobResultTimeoutError } from '../errors/job-result-timeout.error.js';
import { fromJson } from '../serialization/json.js';
import type { JobHandle } from './job-handle.interface.js';

/** Re-reads the job this often while waiting, in case an event was missed (e.g. during a reconnect). */
const RESULT_RECHECK_MS = 1_000;

export class DriverJobHandle<R> implements JobHandle<R> {
  constructor(
    private readonly driver: JobReader & JobCanceller,
    private readonly feed: EventFeed,
    readonly id: string,
    readonly queue: string,
    readonly name: string,
    readonly created: boolean,
  ) {}

  async state(): Promise<JobState | 'missing'> {
    const job = await this.driver.getJob(this.queue, this.id);
    return job?.state ?? 'missing';
  }

  async cancel(reason?: string): Promise<boolean> {
    if (reason !== undefined && typeof reason !== 'string') throw new TypeError(`JobHandle.cancel: reason must be a string (job ${this.id}).`);
    return (await this.driver.cancel(this.queue, this.id, reason)) === 'cancelled';
  }

  result(options: { timeout?: number } = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const cleanups: Array<() => void> = [];
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        cleanups.forEach((cleanup) => cleanup());
        outcome();
      };
      const succeed = (resultText: string | undefined): void =>
        settle(() => resolve((resultText === undefined ? undefined : fromJson(resultText)) as R));
      const die = (error: JobError | undefined): void =>
        settle(() => reject(new JobFailedError(this.id, this.name, error)));
      const expire = (): void => settle(() => reject(new JobExpiredError(this.id, this.name)));
      const cancelled = (reason: string | undefined): void => settle(() => reject(new JobCancelledError(this.id, this.name, reason)));

      cleanups.push(
        this.feed.subscribe((event) => {
          if (event.id !== this.id || event.queue !== this.queue) return;
          if (event.type === 'completed') succeed(event.data);
          else if (event.type === 'dead') die(event.error);
          else if (event.type === 'expired') expire();
          else if (event.type === 'cancelled') cancelled(event.error?.message);
        }),
      );
      const check = async (): Promise<void> => {
        const job = await this.driver.getJob(this.queue, this.id).catch(() => undefined);
        if (job === undefined) return; // driver unreachable: try again at the next check
        if (job === null) {
          settle(() => reject(new Error(`Job ${this.id} (${this.name}) no longer exists: it was removed, or removeOnComplete dropped it with its result.`)));
        } else if (job.state === 'completed') succeed(job.result);
        else if (job.state === 'dead') die(job.errors.at(-1));
        else if (job.state === 'expired') expire();
        else if (job.state === 'cancelled') cancelled(job.errors.at(-1)?.message);
      };
      void check();
      const recheck = setInterval(() => void check(), RESULT_RECHECK_MS);
      cleanups.push(() => clearInterval(recheck));
      if (options.timeout !== undefined) {
        const timer = setTimeout(() => settle(() => reject(new JobResultTimeoutError(this.id, options.timeout!))), options.timeout);
        cleanups.push(() => clearTimeout(timer));
      }
    });
  }
}
