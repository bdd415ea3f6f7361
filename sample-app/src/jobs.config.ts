import { MemoryDriver, type QueueDriver } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';

export interface DriverChoice {
  driver: QueueDriver;
  /** For the startup log line. */
  description: string;
}

/** Redis when REDIS_URL is set (prefix from JOBS_PREFIX), otherwise the in-process memory driver. */
export function driverFromEnv(env: NodeJS.ProcessEnv = process.env): DriverChoice {
  const url = env.REDIS_URL?.trim();
  if (!url) return { driver: new MemoryDriver(), description: 'memory driver (set REDIS_URL to use Redis)' };
  const prefix = env.JOBS_PREFIX?.trim() || undefined;
  return {
    driver: new RedisDriver({ url, prefix }),
    description: `redis driver at ${withoutCredentials(url)}, prefix "${prefix ?? 'nj'}"`,
  };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable REDIS_URL';
  }
}
