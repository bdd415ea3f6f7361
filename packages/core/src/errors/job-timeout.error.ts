/** The reason `ctx.signal` aborts with, and the try's error, when a job runs past its `timeout`. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`Job timed out after ${timeoutMs} ms`);
  }
}
