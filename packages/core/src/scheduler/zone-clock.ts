const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timezone, format);
  }
  return format;
}

/** UTC offset of `timezone` at `instant`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(timezone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatter(timezone).formatToParts(new Date(instant))) parts[type] = Number(value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const whole = instant - (((instant % 1_000) + 1_000) % 1_000);
  return wall - whole;
}

/** The wall-clock time at `instant`, written as if it were a UTC instant. */
export function wallAt(timezone: string, instant: number): number {
  return instant + offsetAt(timezone, instant);
}

/**
 * The instant of a wall-clock time (written as a UTC instant), by the rule of
 * RFC 5545 and Temporal's `'compatible'`: a time repeated at a fall-back is its
 * first occurrence; a time skipped at a spring-forward is read with the offset
 * before the gap, so it lands as much later as the gap is long.
 */
export function instantOf(timezone: string, wall: number): number {
  const offsetBefore = offsetAt(timezone, wall - DAY_MS);
  const offsetAfter = offsetAt(timezone, wall + DAY_MS);
  const withBefore = wall - offsetBefore;
  if (offsetBefore === offsetAfter) return withBefore;
  const withAfter = wall - offsetAfter;
  const valid: number[] = [];
  if (offsetAt(timezone, withBefore) === offsetBefore) valid.push(withBefore);
  if (offsetAt(timezone, withAfter) === offsetAfter) valid.push(withAfter);
  return valid.length === 0 ? withBefore : Math.min(...valid);
}
