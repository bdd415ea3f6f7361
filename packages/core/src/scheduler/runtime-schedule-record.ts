import type { StoredSchedule } from '../driver/runtime-schedule-port.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import type { RuntimeScheduleOptions } from '../interfaces/runtime-schedule-options.interface.js';
import type { JobDefinition } from '../registry/job-definition.js';
import { checkAttempts, checkPriority, failFor } from '../registry/option-validators.js';
import { scheduleRules, type ScheduleRules } from '../registry/schedule-rules.js';
import { cronProblem, isKnownTimezone, parseInterval, type ScheduleSpec } from './schedule.js';

const MAX_NAME_LENGTH = 200;
const FORMAT = 1;

/** A runtime schedule as core stores it in the driver (the `definition` JSON, plus the name it is keyed by). */
export interface RuntimeScheduleRecord extends ScheduleRules {
  name: string;
  /** Stored name of the `@Job` each tick enqueues. */
  job: string;
  /** That job's queue when the schedule was saved. */
  queue: string;
  /** JSON text of each tick's payload. */
  payload: string;
  spec: ScheduleSpec;
  priority?: number;
  attempts?: number;
  /** Epoch ms of the last save. */
  updatedAt: number;
}

/** `Producer<Class>.schedule("name")`: the subject of every message about the call. */
export function scheduleSubject(className: string, name: unknown): string {
  return `Producer<${className}>.schedule(${JSON.stringify(name)})`;
}

/** Checks a schedule name: it becomes part of each tick's job id, `cron:<name>:<tickAt>`. */
export function checkScheduleName(subject: string, name: unknown): asserts name is string {
  // eslint-disable-next-line no-control-regex
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name)) {
    throw new InvalidJobInputError(`${subject}: name must be a string of 1–${MAX_NAME_LENGTH} characters without control characters.`);
  }
}

/** Validates the call's options into a record, or throws naming the option and the schedule. */
export function buildRuntimeRecord(
  subject: string,
  name: string,
  job: JobDefinition,
  payload: string,
  options: RuntimeScheduleOptions,
  now: number,
): RuntimeScheduleRecord {
  const fail = failFor(subject, InvalidJobInputError);
  if (typeof options !== 'object' || options === null) fail('options', 'an object with cron or every', options);
  checkPriority(options.priority, fail);
  checkAttempts(options.attempts, fail);
  const record: RuntimeScheduleRecord = {
    name, job: job.name, queue: job.queue, payload, spec: specOf(subject, options), ...scheduleRules(options, fail), updatedAt: now,
  };
  if (options.priority !== undefined) record.priority = options.priority;
  if (options.attempts !== undefined) record.attempts = options.attempts;
  return record;
}

function specOf(subject: string, options: RuntimeScheduleOptions): ScheduleSpec {
  const { cron, every, timezone } = options as { cron?: unknown; every?: unknown; timezone?: unknown };
  if ((cron === undefined) === (every === undefined)) {
    throw new InvalidJobInputError(`${subject}: give exactly one of \`cron\` and \`every\` (got ${cron === undefined ? 'neither' : 'both'}).`);
  }
  if (every !== undefined) {
    if (timezone !== undefined) throw new InvalidJobInputError(`${subject}: \`timezone\` applies to \`cron\` only; \`every\` ticks align to the epoch.`);
    const everyMs = typeof every === 'number' || typeof every === 'string' ? parseInterval(every) : undefined;
    if (everyMs === undefined || everyMs < 1000) {
      throw new InvalidJobInputError(`${subject}: every must be a whole number of ms ≥ 1000 or a duration like "30s", "5m", "1h" (got ${JSON.stringify(every)}).`);
    }
    return { kind: 'every', everyMs };
  }
  const zone = timezone ?? 'UTC';
  if (typeof zone !== 'string' || !isKnownTimezone(zone)) {
    throw new InvalidJobInputError(`${subject}: unknown timezone ${JSON.stringify(zone)}. Use an IANA zone such as "Europe/Berlin" or "UTC".`);
  }
  if (typeof cron !== 'string') throw new InvalidJobInputError(`${subject}: cron must be a string (got ${JSON.stringify(cron)}).`);
  const problem = cronProblem(cron, zone);
  if (problem) throw new InvalidJobInputError(`${subject}: invalid cron expression "${cron}" (${problem}). Use 5 fields, or 6 with seconds first.`);
  return { kind: 'cron', expression: cron.trim(), timezone: zone };
}

export function encodeRecord(record: RuntimeScheduleRecord): StoredSchedule {
  const { name, ...rest } = record;
  return { name, definition: JSON.stringify({ format: FORMAT, ...rest }) };
}

/** The record of a stored schedule, or why it cannot be read (written by a newer version, damaged). */
export function decodeRecord(stored: StoredSchedule): RuntimeScheduleRecord | string {
  let value: Partial<RuntimeScheduleRecord> & { format?: unknown };
  try {
    value = JSON.parse(stored.definition) as typeof value;
  } catch (error) {
    return `its stored definition is not JSON (${String(error)})`;
  }
  if (value?.format !== FORMAT) return `its stored definition has format ${JSON.stringify(value?.format)}, this version reads ${FORMAT}`;
  const { job, queue, payload, spec } = value;
  if (typeof job !== 'string' || typeof queue !== 'string' || typeof payload !== 'string' || typeof spec !== 'object' || spec === null) {
    return 'its stored definition lacks job, queue, payload or timing';
  }
  const subject = `Runtime schedule ${JSON.stringify(stored.name)}`;
  try {
    const checked = specOf(subject, spec.kind === 'cron' ? { cron: spec.expression, timezone: spec.timezone } : { every: spec.everyMs });
    const rules = scheduleRules(value, failFor(subject, InvalidJobInputError));
    const record: RuntimeScheduleRecord = { name: stored.name, job, queue, payload, spec: checked, ...rules, updatedAt: Number(value.updatedAt) || 0 };
    if (Number.isInteger(value.priority)) record.priority = value.priority;
    if (Number.isInteger(value.attempts)) record.attempts = value.attempts;
    return record;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
