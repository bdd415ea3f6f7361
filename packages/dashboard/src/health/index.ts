export { JobsHealthModule } from './jobs-health.module.js';
export { JobsHealthIndicator, type JobsHealthOptions } from './jobs-health.indicator.js';
