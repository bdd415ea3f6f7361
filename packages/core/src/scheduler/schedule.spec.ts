import { describe, expect, it } from '@jest/globals';
import { cronProblem, isKnownTimezone, nextTick, parseInterval, previousTick, type ScheduleSpec } from './schedule.js';

const at = (iso: string): number => new Date(iso).getTime();
const iso = (ms: number): string => new Date(ms).toISOString();

/** Ticks strictly after `from`, up to `count`. */
function ticks(spec: ScheduleSpec, from: string, count: number): string[] {
  const out: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) out.push(iso((cursor = nextTick(spec, cursor))));
  return out;
}

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

describe('cron ticks across DST', () => {
  it('fires a daily 02:30 once on the Berlin spring-forward day, at 03:30 local (the gap hour maps forward)', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' };
    expect(ticks(spec, '2026-03-28T00:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('fires a daily 01:30 once on the New York fall-back day although 01:30 happens twice', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '30 1 * * *', timezone: 'America/New_York' };
    const fired = ticks(spec, '2026-10-31T12:00:00Z', 3);
    expect(fired[0]).toBe('2026-11-01T05:30:00.000Z'); // first 01:30 (EDT)
    expect(fired[1]).toBe('2026-11-02T06:30:00.000Z'); // next day, EST: the repeated 01:30 EST was not fired
  });

  it('keeps hourly ticks one real hour apart through the New York fall-back', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '0 * * * *', timezone: 'America/New_York' };
    const fired = ticks(spec, '2026-11-01T03:30:00Z', 5).map(at);
    const gaps = fired.slice(1).map((value, index) => value - fired[index]!);
    expect(new Set(gaps)).toEqual(new Set([3_600_000]));
  });

  it('runs every 15 minutes in Lord Howe (30-minute DST shift) without duplicate instants', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '*/15 * * * *', timezone: 'Australia/Lord_Howe' };
    // Lord Howe falls back 30 minutes at 02:00 local on 2026-04-05 (15:00Z on the 4th).
    const fired = ticks(spec, '2026-04-04T14:00:00Z', 12);
    expect(new Set(fired).size).toBe(fired.length);
    const sorted = [...fired].sort();
    expect(sorted).toEqual(fired);
  });

  it('previousTick includes an exact hit and steps back otherwise', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '0 2 * * *', timezone: 'UTC' };
    expect(iso(previousTick(spec, at('2026-05-05T02:00:00Z')))).toBe('2026-05-05T02:00:00.000Z');
    expect(iso(previousTick(spec, at('2026-05-05T01:59:59Z')))).toBe('2026-05-04T02:00:00.000Z');
  });
});
