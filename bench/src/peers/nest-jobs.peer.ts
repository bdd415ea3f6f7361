import { JobsAdmin, type QueueDriver } from '@nest-jobs/core';
import { NEST_JOBS } from './names.js';
import { packageVersion } from './package-version.js';
import { createBenchApp } from './nest-jobs.app.js';
import { BenchProducers } from './nest-jobs.jobs.js';
import type { BenchQueue, BenchWorker, Concurrency, JobListener, Peer, ServerTarget } from './peer.js';

export type DriverFactory = (target: ServerTarget) => QueueDriver;

export interface NestJobsPeerOptions {
  name?: string;
  /** Producer and worker apps share one driver (the in-process memory driver: one store). */
  shareDriver?: boolean;
  ceiling?: boolean;
  skips?: readonly string[];
}

/**
 * nest-jobs as users run it: a producer application context enqueues through
 * `@InjectProducer` producers; a separate worker context runs the `@Job`
 * handlers. The worker's queue is paused while it boots so that timing starts
 * at `resume`, not at Nest bootstrap.
 */
export class NestJobsPeer implements Peer {
  readonly name: string;
  readonly version = packageVersion('@nest-jobs/core');
  readonly ceiling: boolean;
  readonly skips: readonly string[];

  constructor(private readonly createDriver: DriverFactory, private readonly options: NestJobsPeerOptions = {}) {
    this.name = options.name ?? NEST_JOBS;
    this.ceiling = options.ceiling ?? false;
    this.skips = options.skips ?? [];
  }

  async openQueue(target: ServerTarget, concurrency: Concurrency): Promise<BenchQueue> {
    const driver = this.createDriver(target);
    const producerApp = await createBenchApp({ driver, mode: 'producer' });
    const producers = producerApp.get(BenchProducers);
    const producer = concurrency === 1 ? producers.c1 : producers.c50;
    const queue = concurrency === 1 ? 'bench-c1' : 'bench-c50';
    const admin = producerApp.get(JobsAdmin);
    return {
      enqueue: async (payload) => {
        await producer.enqueue('noop', payload);
      },
      enqueueBulk: async (payloads) => {
        await producer.enqueueMany(payloads.map((payload) => ({ job: 'noop' as const, payload })));
      },
      prepareWorker: async (onJob: JobListener): Promise<BenchWorker> => {
        await admin.pause(queue);
        const workerDriver = this.options.shareDriver ? driver : this.createDriver(target);
        const workerApp = await createBenchApp({ driver: workerDriver, mode: 'worker', queues: [queue], onJob });
        return {
          start: () => admin.resume(queue),
          stop: () => workerApp.close(),
        };
      },
      completedCount: async () => (await admin.queues()).find((info) => info.name === queue)?.counts.completed ?? 0,
      close: () => producerApp.close(),
    };
  }
}
