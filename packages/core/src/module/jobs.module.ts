import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { ScheduleAdmin } from '../admin/schedule-admin.js';
import { JobsExplorer } from '../discovery/jobs.explorer.js';
import { JobEventListeners } from '../events/job-event-listeners.js';
import { JobEvents } from '../events/job-events.js';
import { declaredJobClasses } from '../producer/declared-job-classes.js';
import { EnqueueService } from '../producer/enqueue.service.js';
import { JobRegistry } from '../registry/job.registry.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { RuntimeScheduleCatalog } from '../scheduler/runtime-schedule-catalog.js';
import { RuntimeScheduleService } from '../producer/runtime-schedule.service.js';
import { WorkerPool } from '../worker/worker-pool.js';
import type { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { ProducerPort, SchedulePort } from '../driver/driver-ports.js';
import { EnqueueLog } from '../testing/enqueue-log.js';
import { JobsTester } from '../testing/jobs-tester.js';
import { VirtualClock } from '../testing/virtual-clock.js';
import { DriverLifecycle } from './driver-lifecycle.js';
import { JOBS_CLOCK, systemClock, type JobsClock } from './jobs-clock.js';
import { JobsConfig } from './jobs-config.js';
import {
  ConfigurableJobsModule,
  JOBS_ASYNC_OPTIONS_TYPE,
  JOBS_MODULE_OPTIONS,
  JOBS_OPTIONS_TYPE,
} from './jobs-module-definition.js';
import type { JobsModuleOptions } from './jobs-options.interface.js';
import { DRIVER_ROLE_TOKENS, JOBS_OUTBOX, JOBS_PRODUCER_PORT, JOBS_SCHEDULE_PORT } from './driver-roles.tokens.js';
import { JOBS_DRIVER, getProducerToken } from './jobs.tokens.js';
import { JOBS_RUNTIME, JobsStartModule, type JobsRuntime } from './jobs-starter.js';
import { producerProviders } from './producer.providers.js';
import { loadTracing } from '../tracing/load-tracing.js';
import { JOBS_TRACING } from '../tracing/tracing.token.js';

const runtimeProviders: Provider[] = [
  { provide: JobsConfig, useFactory: (options: JobsModuleOptions) => new JobsConfig(options), inject: [JOBS_MODULE_OPTIONS] },
  { provide: JOBS_DRIVER, useFactory: (config: JobsConfig, options: JobsModuleOptions) => options.driver, inject: [JobsConfig, JOBS_MODULE_OPTIONS] },
  // The composition root: every role is the one driver object, seen through a narrower type where it is injected.
  ...DRIVER_ROLE_TOKENS.filter((token) => token !== JOBS_PRODUCER_PORT && token !== JOBS_SCHEDULE_PORT)
    .map((token): Provider => ({ provide: token, useExisting: JOBS_DRIVER })),
  { provide: JOBS_OUTBOX, useFactory: (options: JobsModuleOptions) => options.outbox ?? null, inject: [JOBS_MODULE_OPTIONS] },
  // Testing mode writes down what producers and schedules enqueue, for JobsTester.enqueued().
  EnqueueLog,
  {
    provide: JOBS_PRODUCER_PORT,
    useFactory: (config: JobsConfig, driver: ProducerPort, log: EnqueueLog) => (config.testing ? log.recordingProducer(driver) : driver),
    inject: [JobsConfig, JOBS_DRIVER, EnqueueLog],
  },
  {
    provide: JOBS_SCHEDULE_PORT,
    useFactory: (config: JobsConfig, driver: SchedulePort, log: EnqueueLog) => (config.testing ? log.recordingSchedules(driver) : driver),
    inject: [JobsConfig, JOBS_DRIVER, EnqueueLog],
  },
  {
    provide: JOBS_CLOCK,
    // JobsConfig has checked that testing mode runs on a MemoryDriver.
    useFactory: (config: JobsConfig, options: JobsModuleOptions): JobsClock =>
      config.testing ? VirtualClock.attachedTo(options.driver as MemoryDriver, config.testing) : systemClock,
    inject: [JobsConfig, JOBS_MODULE_OPTIONS],
  },
  { provide: JOBS_TRACING, useFactory: (config: JobsConfig) => loadTracing(config.tracing), inject: [JobsConfig] },
  DriverLifecycle,
  JobRegistry,
  JobsExplorer,
  EnqueueService,
  JobEvents,
  // After JobsExplorer: its checks read the job names JobsExplorer registered.
  JobEventListeners,
  ScheduleAdmin,
  JobsAdmin,
  WorkerPool,
  RuntimeScheduleCatalog,
  Scheduler,
  RuntimeScheduleService,
  JobsTester,
  {
    provide: JOBS_RUNTIME,
    useFactory: (lifecycle: DriverLifecycle, workers: WorkerPool, scheduler: Scheduler): JobsRuntime => ({ lifecycle, workers, scheduler }),
    inject: [DriverLifecycle, WorkerPool, Scheduler],
  },
];

const publicProviders = [JobEvents, JobsAdmin, JobRegistry, JOBS_DRIVER, EnqueueService, RuntimeScheduleService, JobsTester];
/** Seen only by JobsStartModule (the symbol is not exported from the package). */
const internalExports = [JOBS_RUNTIME];

/**
 * Background jobs for the whole application (a global module): discovers
 * `@Job`/`@Cron`/`@Every` handlers, runs workers and schedules per `mode`,
 * and provides `Producer<T>`, `JobEvents` and `JobsAdmin`.
 */
@Module({})
export class JobsModule extends ConfigurableJobsModule {
  static override forRoot(options: typeof JOBS_OPTIONS_TYPE): DynamicModule {
    return JobsModule.assemble(super.forRoot(options));
  }

  static override forRootAsync(options: typeof JOBS_ASYNC_OPTIONS_TYPE): DynamicModule {
    if (!options || (!options.useFactory && !options.useClass && !options.useExisting)) {
      throw new Error('JobsModule.forRootAsync needs useFactory, useClass or useExisting returning { driver, ... }.');
    }
    return JobsModule.assemble(super.forRootAsync(options));
  }

  /** Producers for job classes loaded after forRoot ran (e.g. lazy-loaded modules). */
  static forFeature(classes: Type[]): DynamicModule {
    const providers = producerProviders(classes);
    return { module: JobsFeatureModule, providers, exports: classes.map(getProducerToken) };
  }

  /**
   * Producers are listed when Nest scans the module (the getters), not when
   * forRoot runs: forRoot may be evaluated (e.g. in a global InfraModule
   * imported first) before the files that declare job classes are loaded.
   */
  private static assemble(base: DynamicModule): DynamicModule {
    const producers = (): Array<Provider & { provide: symbol }> => producerProviders(declaredJobClasses());
    return {
      ...base,
      global: true,
      imports: [...(base.imports ?? []), DiscoveryModule, JobsStartModule],
      get providers(): Provider[] {
        return [...(base.providers ?? []), ...runtimeProviders, ...producers()];
      },
      get exports(): NonNullable<DynamicModule['exports']> {
        return [...(base.exports ?? []), ...publicProviders, ...internalExports, ...producers().map((provider) => provider.provide)];
      },
    };
  }
}

@Module({})
class JobsFeatureModule {}
