import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { getProducerToken, JobsAdmin, type Producer } from '@nest-jobs/core';
import { startPostgresServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';
import { startRedisCluster, startRedisServer, type RedisClusterHandle, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { Redis } from 'ioredis';
import { closeLedger, FlowJobs, FlowModule, LEDGER_KEY, type LedgerEntry } from '../fixtures/flow-jobs.js';

const WORKER = fileURLToPath(new URL('../fixtures/flow-worker.js', import.meta.url));

/** Where the jobs of a deploy live: one Redis, a 3-master Redis Cluster, or one PostgreSQL. */
export type FlowBackend = 'redis' | 'cluster' | 'postgres';

/**
 * Worker processes of FlowJobs on a redis-server of their own (or a 3-master Cluster, or a
 * PostgreSQL server), a producer app in the test process, and the ledger the handlers write (on
 * the redis-server). Each deploy uses a fresh prefix (PostgreSQL: a fresh schema).
 */
export class FlowDeployment {
  private redis: RedisServerHandle | undefined;
  private cluster: RedisClusterHandle | undefined;
  private postgres: PostgresServerHandle | undefined;
  private reader: Redis | undefined;
  private producerApp: INestApplicationContext | undefined;
  private prefixes = 0;
  workers: ChildProcess[] = [];

  async start(): Promise<void> {
    this.redis = await startRedisServer();
    this.reader = new Redis(this.redis.url);
  }

  async deploy(backend: FlowBackend, workerCount = 3): Promise<{ producer: Producer<FlowJobs>; admin: JobsAdmin; prefix: string }> {
    const redis = this.redis!;
    const prefix = `flow${++this.prefixes}`;
    await this.reader!.del(LEDGER_KEY);
    if (backend === 'cluster') this.cluster ??= await startRedisCluster(3);
    if (backend === 'postgres') this.postgres ??= await startPostgresServer();
    const nodes = backend === 'cluster' ? this.cluster!.nodes : undefined;
    const postgresUrl = backend === 'postgres' ? this.postgres!.url : undefined;
    this.producerApp = await NestFactory.createApplicationContext(FlowModule.forRoot({ url: redis.url, nodes, postgresUrl, prefix, mode: 'producer' }), { logger: ['error'] });
    await this.producerApp.init();
    this.workers = Array.from({ length: workerCount }, () => fork(WORKER, [], {
      env: {
        ...process.env, FLOW_REDIS_URL: redis.url, FLOW_PREFIX: prefix,
        ...(nodes && { FLOW_CLUSTER_NODES: JSON.stringify(nodes) }), ...(postgresUrl && { FLOW_POSTGRES_URL: postgresUrl }),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }));
    await Promise.all(this.workers.map((worker) => new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (code) => reject(new Error(`flow worker exited with ${code} before it was ready`)));
    })));
    return { producer: this.producerApp.get<Producer<FlowJobs>>(getProducerToken(FlowJobs)), admin: this.producerApp.get(JobsAdmin), prefix };
  }

  /** Stops the workers and the producer of the last deploy. */
  async undeploy(): Promise<void> {
    await this.stopWorkers();
    await this.producerApp?.close();
    this.producerApp = undefined;
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
      worker.once('exit', () => resolve());
      worker.kill('SIGTERM');
      setTimeout(() => worker.kill('SIGKILL'), 5_000).unref();
    })));
    this.workers = [];
  }

  async stop(): Promise<void> {
    await this.undeploy();
    await closeLedger();
    await this.reader?.quit();
    await this.redis?.stop();
    await this.cluster?.stop();
    await this.postgres?.stop();
  }

  /** The ledger, of one job type or all. */
  async entries(job?: string): Promise<LedgerEntry[]> {
    const all = (await this.reader!.lrange(LEDGER_KEY, 0, -1)).map((line) => JSON.parse(line) as LedgerEntry);
    return job === undefined ? all : all.filter((entry) => entry.job === job);
  }

  async ledgerLength(): Promise<number> {
    return this.reader!.llen(LEDGER_KEY);
  }

  async clearLedger(): Promise<void> {
    await this.reader!.del(LEDGER_KEY);
  }
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
