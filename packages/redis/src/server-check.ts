import type { AnyClient } from './connection.js';

/** Where the driver reports conditions that endanger jobs. */
export interface DriverLogger {
  warn(message: string): void;
  log?(message: string): void;
}

/**
 * Warns when Redis may evict keys: an evicted job hash or index loses jobs
 * silently. CONFIG may be forbidden (managed Redis, ACL): then stay quiet.
 */
export async function checkServer(client: AnyClient, logger: DriverLogger, target: string): Promise<void> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn(`RedisDriver (${target}): maxmemory-policy is "${policy}"; Redis may evict job data under memory pressure. Set it to "noeviction".`);
    }
  } catch {
    // CONFIG is not allowed for this user: nothing to check.
  }
}
