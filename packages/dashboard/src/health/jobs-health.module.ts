import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { JobsHealthIndicator } from './jobs-health.indicator.js';

/** Provides `JobsHealthIndicator` (needs `@nestjs/terminus`). Import from `@nest-jobs/dashboard/health`. */
@Module({
  imports: [TerminusModule],
  providers: [JobsHealthIndicator],
  exports: [JobsHealthIndicator, TerminusModule],
})
export class JobsHealthModule {}
