import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { JobRecord } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { freePort, type RedisServerHandle } from '@nest-jobs/redis/testing';
import type { AppProcess, ProcessGroup } from './app-process.js';
import { Ledger } from './ledger.js';

/** The queue `EmailJobs.sendEmail` runs on. */
export const EMAIL_QUEUE = 'default';

export interface Deployment {
  baseUrl: string;
  prefix: string;
  web: AppProcess;
  workers: AppProcess[];
  /** One ledger per worker, same order as `workers`. */
  ledgers: Ledger[];
  /** A driver in the test process on the same Redis and prefix, to read job records and counts. */
  inspector: RedisDriver;
}

export interface DeploymentOptions {
  group: ProcessGroup;
  redis: RedisServerHandle;
  scratchDir: string;
  workers: number;
  /** Extra env for every process, e.g. `{ JOBS_LEASE_MS: '1500' }`. */
  env?: Record<string, string>;
}

/**
 * One web process (`JOBS_MODE=producer`, so it never runs a job) and N
 * `JOBS_MODE=worker` processes of the sample app, on one Redis under a fresh
 * prefix; each worker writes its own execution ledger. Resolves once all are
 * listening or consuming.
 */
export async function deploy(options: DeploymentOptions): Promise<Deployment> {
  const prefix = `mp-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const shared = { REDIS_URL: options.redis.url, JOBS_PREFIX: prefix, REPORTS_DIR: options.scratchDir, ...options.env };
  const web = options.group.start('web', { ...shared, JOBS_MODE: 'producer', PORT: String(port) });
  const ledgers: Ledger[] = [];
  const workers: AppProcess[] = [];
  for (let index = 0; index < options.workers; index++) {
    const name = `worker-${String.fromCharCode(97 + index)}`;
    const ledger = new Ledger(join(options.scratchDir, `${prefix}-${name}.ledger`));
    ledgers.push(ledger);
    workers.push(options.group.start(name, { ...shared, JOBS_MODE: 'worker', JOBS_LEDGER_FILE: ledger.file }));
  }
  await Promise.all([web.waitFor(`HTTP on port ${port}`), ...workers.map((worker) => worker.waitFor(`Consuming "${EMAIL_QUEUE}"`))]);
  const inspector = new RedisDriver({ url: options.redis.url, prefix, logger: { warn: () => undefined } });
  await inspector.open();
  return { baseUrl: `http://127.0.0.1:${port}`, prefix, web, workers, ledgers, inspector };
}

/** The stored record of every id, read in one pipelined burst. */
export async function recordsOf(inspector: RedisDriver, ids: string[]): Promise<JobRecord[]> {
  const records = await Promise.all(ids.map((id) => inspector.getJob(EMAIL_QUEUE, id)));
  return records.map((record, index) => {
    if (!record) throw new Error(`Job ${ids[index]} is not stored at all`);
    return record;
  });
}

/** Distinct addresses, so every signup is a distinct job. */
export function signupEmails(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, index) => `user-${index}@${tag}.example.com`);
}
