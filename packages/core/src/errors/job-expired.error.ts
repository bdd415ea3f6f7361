/** Rejection of `JobHandle.result()` when the job expired: it was still waiting `expireAfter` past its run time, and never ran. */
export class JobExpiredError extends Error {
  override readonly name = 'JobExpiredError';

  constructor(readonly jobId: string, readonly jobName: string) {
    super(`Job "${jobName}" (id ${jobId}) expired: it was still waiting past its expireAfter and never ran`);
  }
}
