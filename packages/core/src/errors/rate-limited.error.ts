/**
 * Throw from a handler when the service it calls says "too many requests" (HTTP 429):
 * the job's group (or, without a group, every job of its name) is held cluster-wide for
 * `retryAfterMs`, and this job runs again after that without using an attempt. Other jobs
 * and groups keep running. `ctx.rateLimited(ms)` throws it for you.
 */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';

  constructor(readonly retryAfterMs: number, message = `rate limited; retry after ${retryAfterMs} ms`) {
    super(message);
  }
}
