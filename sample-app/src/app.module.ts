import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { JobsModule, type JobsModuleOptions } from '@nest-jobs/core';
import { RedisUnavailableFilter } from './common/redis-unavailable.filter.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { EmailModule } from './email/email.module.js';
import { HealthModule } from './health/health.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { ReportsModule } from './reports/reports.module.js';

/** JobsModule options the app is built with; `driver` is required, the rest defaults as below. */
export type AppModuleOptions = JobsModuleOptions;

/**
 * The whole app, for a given driver: main.ts passes the one from
 * `driverFromEnv()`, tests pass a `new MemoryDriver()` (and maybe a `mode`).
 */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        JobsModule.forRoot({ shutdownTimeout: 10_000, ...options }),
        EmailModule,
        ReportsModule,
        PaymentsModule,
        MaintenanceModule,
        HealthModule,
        DashboardModule.register(),
      ],
      // Redis down during an enqueue: 503 with the driver's message, not a bare 500.
      providers: [{ provide: APP_FILTER, useClass: RedisUnavailableFilter }],
    };
  }
}
