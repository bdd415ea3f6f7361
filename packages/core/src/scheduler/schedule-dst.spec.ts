import { describe, expect, it } from '@jest/globals';
import { nextTick, previousTick, type ScheduleSpec } from './schedule.js';
import { offsetAt, wallAt } from './zone-clock.js';

/** `HH:MM+hh:mm`: the zone's wall clock and offset at `instant`, as people read a schedule. */
function local(timezone: string, instant: number, withDate = false): string {
  const offset = offsetAt(timezone, instant) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const wall = new Date(wallAt(timezone, instant)).toISOString();
  return `${withDate ? `${wall.slice(0, 10)} ` : ''}${wall.slice(11, 16)}${sign}${hhmm}`;
}

/** The first `count` ticks strictly after `fromIso`, in local time. */
function ticks(expression: string, timezone: string, fromIso: string, count: number, withDate = false): string[] {
  const spec: ScheduleSpec = { kind: 'cron', expression, timezone };
  const out: string[] = [];
  let cursor = Date.parse(fromIso);
  for (let index = 0; index < count; index++) out.push(local(timezone, (cursor = nextTick(spec, cursor)), withDate));
  return out;
}

// Documented rule (README, "Schedules across instances"): @Cron follows the zone's wall clock.
// Fall-back: a wall time that happens twice fires once, at its first occurrence (the repeated hour fires once).
// Spring-forward: a wall time that does not exist fires as much later as the gap is long; where that meets
// another tick of the schedule it fires once. @Every follows real time and ignores zones.
const cases = [
  {
    zone: 'America/New_York', day: 'spring-forward 2026-03-08 (02:00 EST → 03:00 EDT)',
    daily: ['30 2 * * *', '2026-03-07T12:00:00Z', ['2026-03-08 03:30-04:00', '2026-03-09 02:30-04:00']],
    hourly: ['2026-03-08T05:00:00Z', ['01:00-05:00', '03:00-04:00', '04:00-04:00']],
    quarter: ['2026-03-08T06:30:00Z', ['01:45-05:00', '03:00-04:00', '03:15-04:00']],
  },
  {
    zone: 'America/New_York', day: 'fall-back 2026-11-01 (02:00 EDT → 01:00 EST)',
    daily: ['30 1 * * *', '2026-10-31T12:00:00Z', ['2026-11-01 01:30-04:00', '2026-11-02 01:30-05:00']],
    hourly: ['2026-11-01T04:00:00Z', ['01:00-04:00', '02:00-05:00', '03:00-05:00']],
    quarter: ['2026-11-01T05:15:00Z', ['01:30-04:00', '01:45-04:00', '02:00-05:00', '02:15-05:00']],
  },
  {
    zone: 'Europe/Berlin', day: 'spring-forward 2026-03-29 (02:00 CET → 03:00 CEST)',
    daily: ['30 2 * * *', '2026-03-28T00:00:00Z', ['2026-03-28 02:30+01:00', '2026-03-29 03:30+02:00', '2026-03-30 02:30+02:00']],
    hourly: ['2026-03-28T23:30:00Z', ['01:00+01:00', '03:00+02:00', '04:00+02:00']],
    quarter: ['2026-03-29T00:30:00Z', ['01:45+01:00', '03:00+02:00', '03:15+02:00']],
  },
  {
    zone: 'Europe/Berlin', day: 'fall-back 2026-10-25 (03:00 CEST → 02:00 CET)',
    daily: ['30 2 * * *', '2026-10-24T12:00:00Z', ['2026-10-25 02:30+02:00', '2026-10-26 02:30+01:00']],
    hourly: ['2026-10-24T23:30:00Z', ['02:00+02:00', '03:00+01:00', '04:00+01:00']],
    quarter: ['2026-10-25T00:15:00Z', ['02:30+02:00', '02:45+02:00', '03:00+01:00', '03:15+01:00']],
  },
  {
    zone: 'Australia/Lord_Howe', day: 'spring-forward 2026-10-04 (02:00 +10:30 → 02:30 +11:00)',
    daily: ['15 2 * * *', '2026-10-03T00:00:00Z', ['2026-10-04 02:45+11:00', '2026-10-05 02:15+11:00']],
    hourly: ['2026-10-03T14:00:00Z', ['01:00+10:30', '02:30+11:00', '03:00+11:00', '04:00+11:00']],
    quarter: ['2026-10-03T15:00:00Z', ['01:45+10:30', '02:30+11:00', '02:45+11:00', '03:00+11:00']],
  },
  {
    zone: 'Australia/Lord_Howe', day: 'fall-back 2026-04-05 (02:00 +11:00 → 01:30 +10:30)',
    daily: ['45 1 * * *', '2026-04-04T00:00:00Z', ['2026-04-05 01:45+11:00', '2026-04-06 01:45+10:30']],
    hourly: ['2026-04-04T13:30:00Z', ['01:00+11:00', '02:00+10:30', '03:00+10:30']],
    quarter: ['2026-04-04T14:15:00Z', ['01:30+11:00', '01:45+11:00', '02:00+10:30', '02:15+10:30']],
  },
] as const;

describe.each(cases)('@Cron in $zone on the $day', ({ zone, daily, hourly, quarter }) => {
  it('fires a daily schedule once that day, at the documented time', () => {
    const [expression, from, expected] = daily;
    expect(ticks(expression, zone, from, expected.length, true)).toEqual(expected);
  });

  it('fires an hourly schedule once per wall-clock hour', () => {
    const [from, expected] = hourly;
    expect(ticks('0 * * * *', zone, from, expected.length)).toEqual(expected);
  });

  it('fires an every-15-minutes schedule once per wall-clock quarter', () => {
    const [from, expected] = quarter;
    expect(ticks('*/15 * * * *', zone, from, expected.length)).toEqual(expected);
  });
});

describe('tick computation around DST, whatever the schedule', () => {
  const days = [
    ['America/New_York', '2026-03-08T04:00:00Z'], ['America/New_York', '2026-11-01T03:00:00Z'],
    ['Europe/Berlin', '2026-03-28T23:00:00Z'], ['Europe/Berlin', '2026-10-24T22:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T13:00:00Z'], ['Australia/Lord_Howe', '2026-04-04T12:00:00Z'],
  ] as const;
  const expressions = ['*/15 * * * *', '0 * * * *', '10,35 2 * * *', '*/5 * * * *', '30 */10 * * * *'];

  it.each(days)('in %s from %s: instants strictly increase, and previousTick agrees with nextTick', (timezone, fromIso) => {
    for (const expression of expressions) {
      const spec: ScheduleSpec = { kind: 'cron', expression, timezone };
      const from = Date.parse(fromIso);
      const until = from + 6 * 3_600_000;
      let cursor = from;
      let previous = -Infinity;
      while ((cursor = nextTick(spec, cursor)) < until) {
        expect(cursor).toBeGreaterThan(previous);
        expect(previousTick(spec, cursor)).toBe(cursor);
        if (previous > from) expect(previousTick(spec, cursor - 1)).toBe(previous);
        previous = cursor;
      }
    }
  });

  it('computes the next tick of a 6-field every-second cron quickly even inside a repeated hour', () => {
    const spec: ScheduleSpec = { kind: 'cron', expression: '* * * * * *', timezone: 'America/New_York' };
    const started = performance.now();
    expect(new Date(nextTick(spec, Date.parse('2026-11-01T05:59:59Z'))).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(new Date(nextTick(spec, Date.parse('2026-11-01T06:30:00Z'))).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
