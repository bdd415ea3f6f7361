/** The module's `JobsTracing`, or null when `tracing` is off (the hot paths test for null and do nothing more). */
export const JOBS_TRACING = Symbol('nest-jobs:tracing');
