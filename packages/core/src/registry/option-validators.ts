import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { BackoffOptions, JobOptions } from '../interfaces/job-options.interface.js';
import type { RetentionOptions } from '../driver/job-record.js';
import { messages } from './jobs.messages.js';

/** Priorities are integers in this range so every driver can order them exactly. */
export const MAX_PRIORITY = 1_000_000;

type Fail = (option: string, expected: string, got: unknown) => never;

/** A thrower that names the subject (e.g. `Job "EmailJobs.sendEmail"`) in every message. */
export function failFor(subject: string, ErrorType: new (message: string) => Error = JobsConfigurationError): Fail {
  return (option, expected, got) => {
    throw new ErrorType(messages.badOption(subject, option, expected, got));
  };
}

export function checkAttempts(value: unknown, fail: Fail, option = 'attempts'): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
    fail(option, 'an integer ≥ 1', value);
  }
}

export function checkPriority(value: unknown, fail: Fail): void {
  if (value !== undefined && (!Number.isInteger(value) || Math.abs(value as number) > MAX_PRIORITY)) {
    fail('priority', `an integer from -${MAX_PRIORITY} to ${MAX_PRIORITY}`, value);
  }
}

export function checkDuration(option: string, value: unknown, fail: Fail, min = 0): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
    fail(option, `a number of ms ≥ ${min}`, value);
  }
}

export function checkBackoff(value: BackoffOptions | undefined, fail: Fail): void {
  if (value === undefined) return;
  if (typeof value === 'number') return checkDuration('backoff', value, fail);
  if (typeof value !== 'object' || value === null) return fail('backoff', 'a number of ms or { type, delay }', value);
  if (value.type !== 'fixed' && value.type !== 'exponential') {
    fail('backoff.type', '"fixed" or "exponential"', value.type);
  }
  checkDuration('backoff.delay', value.delay, fail);
  if (value.delay === undefined) fail('backoff.delay', 'a number of ms ≥ 0', value.delay);
  checkDuration('backoff.maxDelay', value.maxDelay, fail);
  if (value.jitter !== undefined && typeof value.jitter !== 'boolean') fail('backoff.jitter', 'a boolean', value.jitter);
}

export function checkRetention(value: RetentionOptions | undefined, fail: Fail): void {
  if (value === undefined || typeof value === 'boolean') return;
  if (typeof value !== 'object' || value === null) return fail('removeOnComplete', 'a boolean or { age, count }', value);
  checkDuration('removeOnComplete.age', value.age, fail);
  if (value.count !== undefined && (!Number.isInteger(value.count) || value.count < 0)) {
    fail('removeOnComplete.count', 'an integer ≥ 0', value.count);
  }
}

export function checkJobOptions(options: JobOptions, fail: Fail): void {
  checkAttempts(options.attempts, fail);
  checkBackoff(options.backoff, fail);
  checkPriority(options.priority, fail);
  checkDuration('timeout', options.timeout, fail, 1);
  checkRetention(options.removeOnComplete, fail);
}

/** Queue names become part of Redis hash tags: braces or whitespace would split a queue across slots. */
export function isValidQueueName(queue: unknown): queue is string {
  // eslint-disable-next-line no-control-regex
  return typeof queue === 'string' && queue.length > 0 && queue.length <= 100 && !/[{}\s\x00-\x1f\x7f]/.test(queue);
}
