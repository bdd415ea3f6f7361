export { JobsMetricsModule } from './jobs-metrics.module.js';
export { JobsMetrics } from './jobs-metrics.js';
export type { JobsMetricsOptions } from './metrics-options.interface.js';
