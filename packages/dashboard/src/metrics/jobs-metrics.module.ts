import { Module, type DynamicModule } from '@nestjs/common';
import { mountController } from '../mount-controller.js';
import { JobsMetrics } from './jobs-metrics.js';
import { METRICS_OPTIONS, type JobsMetricsOptions } from './metrics-options.interface.js';
import { JobsMetricsController } from './metrics.controller.js';

/**
 * Prometheus metrics for nest-jobs (needs `prom-client`). Import from
 * `@nest-jobs/dashboard/metrics`:
 *
 * ```ts
 * JobsMetricsModule.forRoot({ path: '/metrics' })
 * ```
 */
@Module({})
export class JobsMetricsModule {
  static forRoot(options: JobsMetricsOptions): DynamicModule {
    if (typeof options?.path !== 'string' || !/^\/[A-Za-z0-9\-._~/]*$/.test(options.path)) {
      throw new Error(`JobsMetricsModule.forRoot: path must start with "/" (got ${JSON.stringify(options?.path)}).`);
    }
    return {
      module: JobsMetricsModule,
      controllers: [mountController(JobsMetricsController, options.path, options.guard ? [options.guard] : [])],
      providers: [{ provide: METRICS_OPTIONS, useValue: options }, JobsMetrics],
      exports: [JobsMetrics],
    };
  }
}
