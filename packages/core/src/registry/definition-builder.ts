import type { HandlerDeclaration } from '../decorators/jobs-metadata.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobOptions, ScheduleOptions } from '../interfaces/job-options.interface.js';
import { cronProblem, isKnownTimezone, parseInterval, type ScheduleSpec } from '../scheduler/schedule.js';
import type { HandlerInvoker, JobDefinition, ScheduleDefinition } from './job-definition.js';
import { messages } from './jobs.messages.js';
import { checkJobOptions, failFor, isValidQueueName } from './option-validators.js';
import { buildFlow } from './flow-definition.js';
import { scheduleRules } from './schedule-rules.js';

const DEFAULT_QUEUE = 'default';
const DECORATOR_NAMES = { job: '@Job', cron: '@Cron', every: '@Every' } as const;

export interface HandlerSource {
  classRef: abstract new (...args: never[]) => unknown;
  declaration: HandlerDeclaration;
  invoke: HandlerInvoker;
}

/** Turns one decorator declaration into a validated definition, or throws naming `Class.method`. */
export function buildDefinition(source: HandlerSource, defaults: JobOptions): JobDefinition {
  const { classRef, declaration, invoke } = source;
  const methodKey = String(declaration.methodKey);
  const handler = `${classRef.name}.${methodKey}`;
  if (!declaration.isMethod) {
    throw new JobsConfigurationError(messages.notAMethod(handler, DECORATOR_NAMES[declaration.kind]));
  }
  const subject = declaration.kind === 'job' ? `Job "${handler}"` : `Schedule "${handler}"`;
  const fail = failFor(subject);
  const options = declaration.options ?? {};
  checkJobOptions(defaults, failFor('JobsModule defaults'));
  checkJobOptions(options, fail);

  const name = options.name ?? handler;
  if (typeof name !== 'string' || name.trim() === '') fail('name', 'a non-empty string', options.name);
  const queue = options.queue ?? DEFAULT_QUEUE;
  if (!isValidQueueName(queue)) throw new JobsConfigurationError(messages.badQueueName(subject, queue));

  let concurrency = 1;
  if (declaration.kind === 'job' && declaration.options.concurrency !== undefined) {
    concurrency = declaration.options.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
      fail('concurrency', 'an integer from 1 to 10000', concurrency);
    }
  }

  return {
    kind: declaration.kind,
    name,
    handler,
    classRef,
    methodKey,
    queue,
    concurrency,
    attempts: options.attempts ?? defaults.attempts ?? 1,
    backoff: options.backoff ?? defaults.backoff ?? 0,
    priority: options.priority ?? defaults.priority ?? 0,
    timeout: options.timeout ?? defaults.timeout,
    removeOnComplete: options.removeOnComplete ?? defaults.removeOnComplete,
    schedule: declaration.kind === 'job' ? undefined : buildSchedule(declaration, handler, fail),
    flow: declaration.kind === 'job' ? buildFlow(declaration.options, fail) : undefined,
    invoke,
  };
}

function buildSchedule(
  declaration: Exclude<HandlerDeclaration, { kind: 'job' }>,
  handler: string,
  fail: ReturnType<typeof failFor>,
): ScheduleDefinition {
  const options: ScheduleOptions = declaration.options;
  const timezone = options.timezone ?? 'UTC';
  let spec: ScheduleSpec;
  if (declaration.kind === 'cron') {
    if (typeof timezone !== 'string' || !isKnownTimezone(timezone)) {
      throw new JobsConfigurationError(messages.unknownTimezone(handler, String(timezone)));
    }
    const problem = cronProblem(declaration.expression, timezone);
    if (problem) throw new JobsConfigurationError(messages.invalidCron(handler, String(declaration.expression), problem));
    spec = { kind: 'cron', expression: declaration.expression.trim(), timezone };
  } else {
    const everyMs = parseInterval(declaration.interval);
    if (everyMs === undefined || everyMs < 1000) {
      throw new JobsConfigurationError(messages.badInterval(handler, declaration.interval));
    }
    spec = { kind: 'every', everyMs };
  }
  return { spec, ...scheduleRules(options, fail) };
}
