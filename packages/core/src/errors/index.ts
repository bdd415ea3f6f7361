export * from './unrecoverable-job.error.js';
export * from './job-failed.error.js';
export * from './job-timeout.error.js';
export * from './jobs-configuration.error.js';
export * from './invalid-job-input.error.js';
export * from './job-result-timeout.error.js';
export * from './rate-limited.error.js';
export * from './driver-unavailable.error.js';
