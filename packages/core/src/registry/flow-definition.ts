import type { FlowLimits, RateLimit } from '../driver/driver-items.js';
import type { Duration, FlowOptions, RateLimitOptions } from '../interfaces/flow-options.interface.js';
import { parseInterval } from '../scheduler/schedule.js';
import type { failFor } from './option-validators.js';

type Fail = ReturnType<typeof failFor>;
type KeyOf = (payload: unknown) => string;

/** A job's flow control, validated, durations in ms. */
export interface FlowDefinition {
  /** What the driver enforces for this name; empty when only a group or nothing is set. */
  limits: FlowLimits;
  /** Jobs wait in their own lane (limits or a group). */
  limited: boolean;
  groupKey?: KeyOf;
  dedupe?: { key?: KeyOf; ttlMs: number; mode: 'throttle' | 'debounce'; maxWaitMs?: number };
  expireAfterMs?: number;
}

const LIMIT_MAX = 1_000_000;

/** Validates the flow options of `@Job`; undefined when none is set. Throws naming the option. */
export function buildFlow(options: FlowOptions, fail: Fail): FlowDefinition | undefined {
  const { rateLimit, globalConcurrency, group, dedupe, expireAfter } = options;
  if ([rateLimit, globalConcurrency, group, dedupe, expireAfter].every((value) => value === undefined)) return undefined;
  const limits: FlowLimits = {};
  if (rateLimit !== undefined) limits.rate = rateOf('rateLimit', rateLimit, fail);
  if (globalConcurrency !== undefined) limits.concurrency = countOf('globalConcurrency', globalConcurrency, fail);
  let groupKey: KeyOf | undefined;
  if (group !== undefined) {
    if (typeof group !== 'object' || group === null) fail('group', 'an object { key, concurrency?, rateLimit? }', group);
    if (typeof group.key !== 'function') fail('group.key', 'a function (payload) => string', group.key);
    groupKey = group.key as KeyOf;
    if (group.concurrency !== undefined) limits.groupConcurrency = countOf('group.concurrency', group.concurrency, fail);
    if (group.rateLimit !== undefined) limits.groupRate = rateOf('group.rateLimit', group.rateLimit, fail);
  }
  return {
    limits,
    limited: Object.keys(limits).length > 0 || groupKey !== undefined,
    groupKey,
    dedupe: dedupe === undefined ? undefined : dedupeOf(dedupe, fail),
    expireAfterMs: expireAfter === undefined ? undefined : durationOf('expireAfter', expireAfter, fail),
  };
}

function dedupeOf(dedupe: NonNullable<FlowOptions['dedupe']>, fail: Fail): NonNullable<FlowDefinition['dedupe']> {
  if (typeof dedupe !== 'object' || dedupe === null) return fail('dedupe', 'an object { ttl, key?, mode?, maxWait? }', dedupe);
  if (dedupe.key !== undefined && typeof dedupe.key !== 'function') fail('dedupe.key', 'a function (payload) => string', dedupe.key);
  const mode = dedupe.mode ?? 'throttle';
  if (mode !== 'throttle' && mode !== 'debounce') fail('dedupe.mode', '"throttle" or "debounce"', dedupe.mode);
  if (dedupe.ttl === undefined) fail('dedupe.ttl', 'a duration (ms, or text like "30s")', dedupe.ttl);
  const ttlMs = durationOf('dedupe.ttl', dedupe.ttl, fail);
  let maxWaitMs: number | undefined;
  if (dedupe.maxWait !== undefined) {
    if (mode !== 'debounce') fail('dedupe.maxWait', 'set only with mode "debounce"', dedupe.maxWait);
    maxWaitMs = durationOf('dedupe.maxWait', dedupe.maxWait, fail);
    if (maxWaitMs < ttlMs) fail('dedupe.maxWait', `at least dedupe.ttl (${ttlMs} ms)`, dedupe.maxWait);
  }
  return { key: dedupe.key as KeyOf | undefined, ttlMs, mode, maxWaitMs };
}

function rateOf(option: string, value: RateLimitOptions, fail: Fail): RateLimit {
  if (typeof value !== 'object' || value === null) return fail(option, 'an object { max, per }', value);
  return { max: countOf(`${option}.max`, value.max, fail), perMs: durationOf(`${option}.per`, value.per, fail) };
}

function countOf(option: string, value: unknown, fail: Fail): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > LIMIT_MAX) {
    fail(option, `an integer from 1 to ${LIMIT_MAX}`, value);
  }
  return value as number;
}

function durationOf(option: string, value: Duration, fail: Fail): number {
  const ms = parseInterval(value);
  if (ms === undefined) fail(option, 'a duration > 0: whole ms, or text like "500ms", "30s", "5m", "1h"', value);
  return ms!;
}
