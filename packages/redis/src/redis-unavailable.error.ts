/** Redis could not be reached (or answered an error) for an operation; nothing was changed by it. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Wraps a connection failure with where and what, never the password. */
export function unreachable(target: string, operation: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (!/writeable|closed|max retries|ECONNREFUSED|timed out|ETIMEDOUT|connect|ENOTFOUND|EHOSTUNREACH|Connection/i.test(reason)) {
    return cause instanceof Error ? cause : new Error(reason);
  }
  return new RedisUnavailableError(`Redis unreachable at ${target}: ${operation} failed (${reason}).`, { cause });
}
