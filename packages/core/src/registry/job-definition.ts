import type { RetentionOptions } from '../driver/job-record.js';
import type { BackoffOptions } from '../interfaces/job-options.interface.js';
import type { ScheduleSpec } from '../scheduler/schedule.js';
import type { FlowDefinition } from './flow-definition.js';

/** Calls the handler: `(payload, ctx)` for jobs, `(ctx)` for schedules. Resolves request-scoped hosts per call. */
export type HandlerInvoker = (payload: unknown, context: object) => Promise<unknown>;

export interface ScheduleDefinition {
  spec: ScheduleSpec;
  catchUp: 'none' | 'last';
  catchUpWindow: number;
  overlap: boolean;
}

/** A validated handler: everything the worker, producer and scheduler need, options resolved. */
export interface JobDefinition {
  kind: 'job' | 'cron' | 'every';
  /** Stored job name (and schedule name). */
  name: string;
  /** `Class.method`, used in every message. */
  handler: string;
  classRef: abstract new (...args: never[]) => unknown;
  methodKey: string;
  queue: string;
  concurrency: number;
  attempts: number;
  backoff: BackoffOptions;
  priority: number;
  timeout: number | undefined;
  removeOnComplete: RetentionOptions | undefined;
  schedule?: ScheduleDefinition;
  /** Flow control (`@Job` only): limits, group, dedupe, expiry. */
  flow?: FlowDefinition;
  invoke: HandlerInvoker;
}
