import type { JobError } from '../driver/job-record.js';

/** Rejection of `JobHandle.result()` when the job ended dead. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';

  constructor(
    readonly jobId: string,
    readonly jobName: string,
    /** The last failed try, as stored on the job. */
    readonly lastError: JobError | undefined,
  ) {
    super(`Job "${jobName}" (id ${jobId}) is dead: ${lastError?.message ?? 'no error recorded'}`);
  }
}
