import type { BackoffOptions } from '../interfaces/job-options.interface.js';

/** ms to wait before the try after `failedAttempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(backoff: BackoffOptions, failedAttempt: number, random: () => number = Math.random): number {
  if (typeof backoff === 'number') return backoff;
  let delay = backoff.delay;
  if (backoff.type === 'exponential') delay = backoff.delay * 2 ** Math.max(0, failedAttempt - 1);
  if (backoff.maxDelay !== undefined) delay = Math.min(delay, backoff.maxDelay);
  if (backoff.jitter) delay = delay / 2 + random() * (delay / 2);
  return Math.round(delay);
}
