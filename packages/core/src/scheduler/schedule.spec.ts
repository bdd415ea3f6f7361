import { describe, expect, it } from '@jest/globals';
import { cronProblem, isKnownTimezone, nextTick, parseInterval, previousTick, type ScheduleSpec } from './schedule.js';

const at = (iso: string): number => new Date(iso).getTime();
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseInterval', () => {
  it('reads ms numbers and unit strings, including compound ones', () => {
    expect(parseInterval(60_000)).toBe(60_000);
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('1h30m')).toBe(5_400_000);
    expect(parseInterval('250ms')).toBe(250);
  });

  it('refuses what it cannot read', () => {
    for (const bad of ['', '5 minutes', '-5m', '1.5h', 'm', 0, -1, 1.5]) expect(parseInterval(bad)).toBeUndefined();
  });
});

describe('cron validation', () => {
  it('accepts 5 and 6 fields and refuses others with a reason', () => {
    expect(cronProblem('0 2 * * *', 'UTC')).toBeUndefined();
    expect(cronProblem('*/10 * * * * *', 'UTC')).toBeUndefined();
    expect(cronProblem('0 2 * *', 'UTC')).toBe('4 fields');
    expect(cronProblem('0 25 * * *', 'UTC')).toBeDefined();
  });

  it('knows IANA zones', () => {
    expect(isKnownTimezone('Europe/Berlin')).toBe(true);
    expect(isKnownTimezone('Mars/Olympus')).toBe(false);
  });
});

describe('@Every ticks', () => {
  it('are aligned to the epoch, so every instance computes the same ones', () => {
    const spec: ScheduleSpec = { kind: 'every', everyMs: 300_000 };
    expect(iso(nextTick(spec, at('2026-01-01T10:02:13Z')))).toBe('2026-01-01T10:05:00.000Z');
    expect(iso(nextTick(spec, at('2026-01-01T10:05:00Z')))).toBe('2026-01-01T10:10:00.000Z');
    expect(iso(previousTick(spec, at('2026-01-01T10:05:00Z')))).toBe('2026-01-01T10:05:00.000Z');
  });
});

describe('cron ticks (DST days: schedule-dst.spec.ts)', () => {
  it('previousTick includes an exact hit and steps back otherwise', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '0 2 * * *', timezone: 'UTC' };
    expect(iso(previousTick(spec, at('2026-05-05T02:00:00Z')))).toBe('2026-05-05T02:00:00.000Z');
    expect(iso(previousTick(spec, at('2026-05-05T01:59:59Z')))).toBe('2026-05-04T02:00:00.000Z');
  });
});
