import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import type { DriverLifecycle } from './driver-lifecycle.js';
import { runHooksAfterEveryModule } from './hook-order.js';

/** What starts once the app has bootstrapped; provided by JobsModule, private to this file's module. */
export const JOBS_RUNTIME = Symbol('nest-jobs:runtime');

export interface JobsRuntime {
  lifecycle: DriverLifecycle;
  workers: WorkerPool;
  scheduler: Scheduler;
}

/**
 * Opens the driver, then starts workers and schedules, once every other
 * provider's `onApplicationBootstrap` has finished: a job never runs against
 * a half-initialised app, and a failed bootstrap (which never reaches this
 * hook) leaves no worker, timer or connection behind. If a step here fails,
 * what the earlier steps started is stopped before the error goes on.
 *
 * Shutdown hooks run in the reverse order, so this module's `onModuleDestroy`
 * is the first of the app's: schedules stop and in-flight jobs drain while the
 * providers their handlers use (a database client closed in its own
 * `onModuleDestroy`, say) are still alive. The driver closes last, in
 * `onApplicationShutdown`.
 */
@Injectable()
export class JobsStarter implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(modules: ModulesContainer, @Inject(JOBS_RUNTIME) private readonly runtime: JobsRuntime) {
    runHooksAfterEveryModule(modules, JobsStartModule);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { lifecycle, workers, scheduler } = this.runtime;
    try {
      await lifecycle.open();
      await workers.startConsuming();
      await scheduler.start();
    } catch (error) {
      await this.stop();
      await lifecycle.onApplicationShutdown();
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<void> {
    await this.runtime.scheduler.stop();
    await this.runtime.workers.stopConsuming();
  }
}

/** Imported by JobsModule only, for the hook order of its one provider. */
@Module({ providers: [JobsStarter] })
export class JobsStartModule {}
