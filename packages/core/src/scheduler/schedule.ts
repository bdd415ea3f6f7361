import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { instantOf, offsetAt } from './zone-clock.js';

/** When a schedule fires: a cron expression in a zone, or a fixed rate aligned to the epoch. */
export type ScheduleSpec =
  | { kind: 'cron'; expression: string; timezone: string }
  | { kind: 'every'; everyMs: number };

/** Wider than any DST gap or overlap (30 min to 2 h in real zones). */
const SHIFT_MS = 3 * 3_600_000;
/** Wall-clock matches examined per call; a fall-back hour of a 6-field every-second cron needs about 3,600. */
const MAX_STEPS = 100_000;

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
    nextTick({ kind: 'cron', expression, timezone }, Date.now());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * First tick strictly after `after` (epoch ms). Cron ticks follow the zone's
 * wall clock (see `instantOf`): a time repeated at a fall-back fires once, at
 * its first occurrence; a time skipped at a spring-forward fires as much later
 * as the gap is long, once even where it meets another tick.
 */
export function nextTick(spec: ScheduleSpec, after: number): number {
  if (spec.kind === 'every') return (Math.floor(after / spec.everyMs) + 1) * spec.everyMs;
  const { expression, timezone } = spec;
  const offsetNow = offsetAt(timezone, after);
  const wallNow = after + offsetNow;
  // Starts early enough for a wall time in a spring-forward gap that lands after `after`.
  let walls = wallClockTicks(expression, after + Math.min(offsetNow, offsetAt(timezone, after - SHIFT_MS)));
  let best: number | undefined;
  let stopAtWall = Infinity;
  for (let step = 0; step < MAX_STEPS; step++) {
    const wall = walls.next().getTime();
    if (wall >= stopAtWall) return best!;
    const instant = instantOf(timezone, wall);
    if (instant <= after) {
      if (wall < wallNow) walls = wallClockTicks(expression, wallNow);
    } else if (best === undefined || instant < best) {
      best = instant;
      // Later wall times read with best's offset land later. One read with a larger offset lands earlier only
      // below best + that offset, and after `after` only above after + that offset: look there alone.
      const largest = Math.max(offsetNow, offsetAt(timezone, best));
      if (wall - best >= largest) return best;
      stopAtWall = best + largest;
      if (after + largest > wall) walls = wallClockTicks(expression, after + largest);
    }
  }
  throw new Error(`No tick of "${expression}" in ${timezone} found after ${new Date(after).toISOString()}`);
}

/** Latest tick at or before `atOrBefore` (epoch ms), by the same rules as `nextTick`. */
export function previousTick(spec: ScheduleSpec, atOrBefore: number): number {
  if (spec.kind === 'every') return Math.floor(atOrBefore / spec.everyMs) * spec.everyMs;
  const { expression, timezone } = spec;
  const offsetNow = offsetAt(timezone, atOrBefore);
  // Starts late enough for a repeated wall time whose first occurrence is at or before `atOrBefore`;
  // prev() is strictly before its start, so 1 ms later includes an exact hit.
  let walls = wallClockTicks(expression, atOrBefore + Math.max(offsetNow, offsetAt(timezone, atOrBefore - SHIFT_MS)) + 1);
  let best: number | undefined;
  let stopAtWall = -Infinity;
  for (let step = 0; step < MAX_STEPS; step++) {
    const wall = walls.prev().getTime();
    if (wall <= stopAtWall) return best!;
    const instant = instantOf(timezone, wall);
    if (instant <= atOrBefore && (best === undefined || instant > best)) {
      best = instant;
      // The mirror of nextTick: only a wall time read with a smaller offset can land between best and atOrBefore.
      const smallest = Math.min(offsetNow, offsetAt(timezone, best), offsetAt(timezone, best - SHIFT_MS));
      if (wall - best <= smallest) return best;
      stopAtWall = best + smallest;
      if (atOrBefore + smallest + 1 < wall) walls = wallClockTicks(expression, atOrBefore + smallest + 1);
    }
  }
  throw new Error(`No tick of "${expression}" in ${timezone} found before ${new Date(atOrBefore).toISOString()}`);
}

/** The expression's matches on a wall clock without DST: local times written as UTC instants. */
function wallClockTicks(expression: string, startWall: number): CronExpression {
  return CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(startWall) });
}

/** Human form for listings: the expression, or the interval. */
export function describeSpec(spec: ScheduleSpec): string {
  return spec.kind === 'cron' ? spec.expression : `every ${spec.everyMs} ms`;
}
