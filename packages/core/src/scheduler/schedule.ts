import { CronExpressionParser } from 'cron-parser';

/** When a schedule fires: a cron expression in a zone, or a fixed rate aligned to the epoch. */
export type ScheduleSpec =
  | { kind: 'cron'; expression: string; timezone: string }
  | { kind: 'every'; everyMs: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `'1h30m'`, `'30s'`, `'5m'`, `'250ms'` or a number of ms; undefined when unreadable. */
export function parseInterval(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string' || !/^(\d+(ms|s|m|h|d))+$/.test(value.trim())) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.trim().matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * UNIT_MS[unit as string]!;
  }
  return total > 0 ? total : undefined;
}

/** True when Intl knows the IANA zone. */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Why the expression is refused, or undefined when cron-parser accepts it with 5 or 6 fields. */
export function cronProblem(expression: string, timezone: string): string | undefined {
  if (typeof expression !== 'string') return 'not a string';
  const fields = expression.trim().split(/\s+/).length;
  if (!expression.trim().startsWith('@') && (fields < 5 || fields > 6)) return `${fields} fields`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date() }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** First tick strictly after `after` (epoch ms). */
export function nextTick(spec: ScheduleSpec, after: number): number {
  if (spec.kind === 'every') return (Math.floor(after / spec.everyMs) + 1) * spec.everyMs;
  return CronExpressionParser.parse(spec.expression, { tz: spec.timezone, currentDate: new Date(after) })
    .next()
    .getTime();
}

/** Latest tick at or before `atOrBefore` (epoch ms). */
export function previousTick(spec: ScheduleSpec, atOrBefore: number): number {
  if (spec.kind === 'every') return Math.floor(atOrBefore / spec.everyMs) * spec.everyMs;
  // cron-parser's prev() is strictly before its start, so start 1 ms later to include an exact hit.
  return CronExpressionParser.parse(spec.expression, { tz: spec.timezone, currentDate: new Date(atOrBefore + 1) })
    .prev()
    .getTime();
}

/** Human form for listings: the expression, or the interval. */
export function describeSpec(spec: ScheduleSpec): string {
  return spec.kind === 'cron' ? spec.expression : `every ${spec.everyMs} ms`;
}
