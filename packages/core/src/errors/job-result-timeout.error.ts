/** `JobHandle.result({ timeout })` gave up waiting; the job itself goes on. */
export class JobResultTimeoutError extends Error {
  override readonly name = 'JobResultTimeoutError';

  constructor(readonly jobId: string, readonly timeoutMs: number) {
    super(`Job ${jobId} did not finish within ${timeoutMs} ms`);
  }
}
