import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobsModule, type JobsMode, type QueueDriver } from '@nest-jobs/core';
import { BENCH_LISTENER, BenchJobsC1, BenchJobsC50, BenchProducers } from './nest-jobs.jobs.js';
import type { JobListener } from './peer.js';

export interface BenchAppOptions {
  driver: QueueDriver;
  mode: JobsMode;
  queues?: string[];
  onJob?: JobListener;
  /** The tracing option (no SDK is registered in the bench); default: BENCH_TRACING=1. */
  tracing?: boolean;
}

@Module({})
class BenchAppModule {
  static register(options: BenchAppOptions): DynamicModule {
    return {
      module: BenchAppModule,
      imports: [JobsModule.forRoot({ driver: options.driver, mode: options.mode, queues: options.queues, tracing: options.tracing ?? process.env.BENCH_TRACING === '1' })],
      providers: [BenchJobsC1, BenchJobsC50, BenchProducers, { provide: BENCH_LISTENER, useValue: options.onJob ?? (() => undefined) }],
    };
  }
}

/** A Nest application context as users start one (`createApplicationContext`), logs limited to warnings. */
export async function createBenchApp(options: BenchAppOptions): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(BenchAppModule.register(options), { logger: ['error', 'warn'] });
  return app;
}
