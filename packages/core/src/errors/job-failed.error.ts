import type { JobErrorInfo } from '../admin/job-info.interface.js';
import { toJobErrorInfo } from '../admin/job-info.mapper.js';
import type { JobError } from '../driver/job-record.js';

/** Rejection of `JobHandle.result()` when the job ended dead. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';

  constructor(
    readonly jobId: string,
    readonly jobName: string,
    lastError: JobError | undefined,
  ) {
    super(`Job "${jobName}" (id ${jobId}) is dead: ${lastError?.message ?? 'no error recorded'}`);
    this.lastError = lastError && toJobErrorInfo(lastError);
  }

  /** The last failed try. */
  readonly lastError: JobErrorInfo | undefined;
}
