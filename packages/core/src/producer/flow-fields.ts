import { createHash } from 'node:crypto';
import type { NewJob } from '../driver/job-record.js';
import type { FlowDefinition } from '../registry/flow-definition.js';
import type { failFor } from '../registry/option-validators.js';

const MAX_KEY_LENGTH = 512;

/**
 * The flow-control fields of a job about to be enqueued: its lane and group, its dedupe
 * key (a debounced job starts `ttl` from now), its expiry. Keys come from user functions:
 * one that throws or returns no usable string fails the enqueue, naming the option.
 */
export function withFlow(
  job: NewJob,
  flow: FlowDefinition,
  payload: unknown,
  jobId: string | undefined,
  now: number,
  fail: ReturnType<typeof failFor>,
): NewJob {
  if (flow.limited) job.limited = true;
  if (flow.groupKey) job.group = keyFrom('group.key', flow.groupKey, payload, fail);
  if (flow.dedupe) {
    const { key, ttlMs, mode, maxWaitMs } = flow.dedupe;
    const dedupeKey = key ? keyFrom('dedupe.key', key, payload, fail) : jobId ?? createHash('sha256').update(job.payload).digest('base64url');
    job.dedupe = { key: dedupeKey, ttlMs, mode, ...(maxWaitMs !== undefined && { maxWaitMs }) };
    if (mode === 'debounce') job.runAt = Math.max(job.runAt, now + ttlMs);
  }
  if (flow.expireAfterMs !== undefined) job.expireAt = job.runAt + flow.expireAfterMs;
  return job;
}

function keyFrom(option: string, key: (payload: unknown) => string, payload: unknown, fail: ReturnType<typeof failFor>): string {
  let value: unknown;
  try {
    value = key(payload);
  } catch (error) {
    return fail(option, 'a function that returns a string (it threw: ' + (error instanceof Error ? error.message : String(error)) + ')', '(payload)');
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    fail(option, `a function that returns a string of 1–${MAX_KEY_LENGTH} characters`, value);
  }
  return value as string;
}
