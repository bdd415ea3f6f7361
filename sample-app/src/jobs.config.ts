import { MemoryDriver, type JobsModuleOptions, type QueueDriver } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { intFromEnv } from './common/env.js';

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

/**
 * JobsModule tuning from env. `JOBS_LEASE_MS`: how long a fetched job stays
 * leased without renewal (default 30 000); after a worker crash its jobs run
 * again once that much time has passed, so tests set it low.
 */
export function jobsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<JobsModuleOptions, 'leaseMs'> {
  if (!env.JOBS_LEASE_MS?.trim()) return {};
  return { leaseMs: intFromEnv('JOBS_LEASE_MS', 30_000, 100, 3_600_000, env) };
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
