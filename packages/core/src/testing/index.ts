// '@nest-jobs/core/testing': helpers for tests of job code, under any test runner.
// Nothing here may import a test framework: the Jest-based driver suite is '@nest-jobs/core/conformance'.
export { JobsTester, type DrainOptions } from './jobs-tester.js';
export type { EnqueuedJob } from './enqueue-log.js';
export type { DrainReport, JobRun } from './drain-report.js';
export { JobsTesterError } from './jobs-tester.error.js';
export type { JobsTestingOptions } from '../module/jobs-options.interface.js';
