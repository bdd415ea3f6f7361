/**
 * Thrown by `ctx.retry()` to unwind the handler. Not an error of the job: the
 * runner turns it into a retry at the requested delay.
 */
export class RetryRequest {
  constructor(readonly delayMs: number) {}
}
