import type { Redis } from 'ioredis';

export const RUNS_KEY = 'schedule-test:runs';

/** One execution of a schedule, as the fixture app records it. */
export interface Run {
  schedule: string;
  id: string;
  tick: number;
  enqueuedAt: number;
  start: number;
  end: number;
  pid: number;
}

export async function readRuns(redis: Redis): Promise<Run[]> {
  return (await redis.lrange(RUNS_KEY, 0, -1)).map((line) => JSON.parse(line) as Run);
}

export function ticksOf(runs: Run[], schedule: string): number[] {
  return runs.filter((run) => run.schedule === schedule).map((run) => run.tick).sort((a, b) => a - b);
}

/** Whole seconds in [from, to] that have no tick. */
export function missingSeconds(ticks: number[], from: number, to: number): number[] {
  const seen = new Set(ticks);
  const missing: number[] = [];
  for (let second = from; second <= to; second += 1_000) if (!seen.has(second)) missing.push(second);
  return missing;
}
