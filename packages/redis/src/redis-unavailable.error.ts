import { DriverUnavailableError } from '@nest-jobs/core/driver';

/** Redis could not be reached for an operation; nothing was changed by it. A DriverUnavailableError of core. */
export class RedisUnavailableError extends DriverUnavailableError {
  override readonly name: string = 'RedisUnavailableError';
}

/**
 * Redis refused a write because its memory reached `maxmemory` (policy
 * noeviction). A RedisUnavailableError, so code that retries later on an
 * outage handles it too; the job was not enqueued.
 */
export class RedisOutOfMemoryError extends RedisUnavailableError {
  override readonly name: string = 'RedisOutOfMemoryError';
}

/** Redis' refusal of a write at maxmemory (noeviction). */
export function isOutOfMemory(error: unknown): boolean {
  return /^OOM /.test(error instanceof Error ? error.message : String(error));
}

/** Wraps a connection failure (or an out-of-memory refusal) with where and what, never the password. */
export function unreachable(target: string, operation: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  // Redis' own text ("OOM command not allowed when used memory > 'maxmemory'. script: <sha>") names neither the
  // operation nor the way out; a full Redis is an operations problem the message should make obvious.
  if (isOutOfMemory(cause)) {
    return new RedisOutOfMemoryError(
      `Redis at ${target} is out of memory: ${operation} was refused (used memory reached maxmemory; with maxmemory-policy noeviction `
      + 'Redis refuses new writes rather than evict jobs). Jobs already queued are kept. Raise maxmemory, or free memory '
      + `(removeOnComplete, remove dead jobs). Redis said: ${reason}`,
      { cause },
    );
  }
  if (!/writeable|closed|max retries|ECONNREFUSED|timed out|ETIMEDOUT|connect|ENOTFOUND|EHOSTUNREACH|Connection/i.test(reason)) {
    return cause instanceof Error ? cause : new Error(reason);
  }
  return new RedisUnavailableError(`Redis unreachable at ${target}: ${operation} failed (${reason}).`, { cause });
}
