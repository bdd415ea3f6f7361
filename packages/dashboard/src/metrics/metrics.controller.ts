import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { DashboardResponse } from '../http/http-response.js';
import { JobsMetrics } from './jobs-metrics.js';

/** The Prometheus text exposition of the nest-jobs registry. Mounted at the user's path. */
@Controller()
export class JobsMetricsController {
  constructor(@Inject(JobsMetrics) private readonly metrics: JobsMetrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) response: DashboardResponse): Promise<string> {
    response.header('Content-Type', this.metrics.registry.contentType);
    response.header('Cache-Control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
