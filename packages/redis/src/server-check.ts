import type { AnyClient } from './connection.js';

/** Where the driver reports conditions that endanger jobs. */
export interface DriverLogger {
  warn(message: string): void;
  log?(message: string): void;
}

/**
 * Warns when Redis may evict keys: an evicted job hash or index loses jobs
 * silently. Reads INFO rather than CONFIG GET: a least-privilege ACL user
 * should not hold CONFIG (it reveals every setting, passwords included), and
 * managed services often disable CONFIG but keep INFO.
 */
export async function checkServer(client: AnyClient, logger: DriverLogger, target: string): Promise<void> {
  let info: string;
  try {
    info = await client.info('memory');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Only a refusal deserves a word; a connection failure surfaces on the driver's next call.
    if (/NOPERM|unknown command/i.test(reason)) {
      logger.warn(`RedisDriver (${target}): cannot check maxmemory-policy (${reason}). Grant +info, or make sure the policy is "noeviction": every other policy lets Redis evict job data.`);
    }
    return;
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy && policy !== 'noeviction') {
    logger.warn(`RedisDriver (${target}): maxmemory-policy is "${policy}"; Redis may evict job data under memory pressure. Set it to "noeviction".`);
  }
}
