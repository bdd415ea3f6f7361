/** The module's `JobTracing`, or null when `tracing` is off (the hot paths test for null and do nothing more). */
export const JOBS_TRACING = Symbol('nest-jobs:tracing');
