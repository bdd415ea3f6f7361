import type { JobError, JobRecord } from '../driver/job-record.js';
import { fromJsonOrRaw } from '../serialization/json.js';
import type { JobErrorInfo, JobInfo } from './job-info.interface.js';

export function toJobInfo(record: JobRecord): JobInfo {
  const info: JobInfo = {
    id: record.id,
    queue: record.queue,
    name: record.name,
    state: record.state,
    payload: fromJsonOrRaw(record.payload),
    priority: record.priority,
    attempt: record.attempt,
    maxAttempts: record.maxAttempts,
    enqueuedAt: new Date(record.enqueuedAt),
    runAt: new Date(record.runAt),
    errors: record.errors.map(toJobErrorInfo),
  };
  if (record.result !== undefined) info.result = fromJsonOrRaw(record.result);
  if (record.progress !== undefined) info.progress = fromJsonOrRaw(record.progress);
  if (record.startedAt !== undefined) info.startedAt = new Date(record.startedAt);
  if (record.finishedAt !== undefined) info.finishedAt = new Date(record.finishedAt);
  if (record.scheduledFor !== undefined) info.scheduledFor = new Date(record.scheduledFor);
  if (record.group !== undefined) info.group = record.group;
  if (record.expireAt !== undefined) info.expireAt = new Date(record.expireAt);
  return info;
}

/** A stored try's error with its time as a Date, like every other time users see. */
export function toJobErrorInfo(error: JobError): JobErrorInfo {
  const info: JobErrorInfo = { message: error.message, attempt: error.attempt, at: new Date(error.at) };
  if (error.name !== undefined) info.name = error.name;
  if (error.stack !== undefined) info.stack = error.stack;
  return info;
}
