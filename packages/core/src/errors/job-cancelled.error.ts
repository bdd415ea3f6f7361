/**
 * A cancelled job: the reason `ctx.signal` aborts with when the job is cancelled while it
 * runs (from any process), and the rejection of `JobHandle.result()` for a cancelled job.
 */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';

  constructor(readonly jobId: string, readonly jobName: string, readonly reason?: string) {
    super(`Job "${jobName}" (id ${jobId}) was cancelled${reason ? `: ${reason}` : ''}`);
  }
}
