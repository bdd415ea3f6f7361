import { Inject, Injectable } from '@nestjs/common';
import { InjectProducer, Job, type Producer } from '@nest-jobs/core';
import type { BenchPayload, JobListener } from './peer.js';

export const BENCH_LISTENER = Symbol('bench:listener');

/** Concurrency is a property of the handler in nest-jobs, so each tested concurrency has its own class and queue. */
@Injectable()
export class BenchJobsC1 {
  constructor(@Inject(BENCH_LISTENER) private readonly onJob: JobListener) {}

  @Job({ queue: 'bench-c1', concurrency: 1 })
  async noop(payload: BenchPayload): Promise<void> {
    this.onJob(payload);
  }
}

@Injectable()
export class BenchJobsC50 {
  constructor(@Inject(BENCH_LISTENER) private readonly onJob: JobListener) {}

  @Job({ queue: 'bench-c50', concurrency: 50 })
  async noop(payload: BenchPayload): Promise<void> {
    this.onJob(payload);
  }
}

/** How an application enqueues: typed producers injected into a service. */
@Injectable()
export class BenchProducers {
  constructor(
    @InjectProducer(BenchJobsC1) readonly c1: Producer<BenchJobsC1>,
    @InjectProducer(BenchJobsC50) readonly c50: Producer<BenchJobsC50>,
  ) {}
}
