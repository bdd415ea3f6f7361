import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { Redis } from 'ioredis';
import { ScheduleProcess } from './support/schedule-process.js';
import { missingSeconds, readRuns, RUNS_KEY, ticksOf, type Run } from './support/runs.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const WINDOW_MS = 10_000;

let server: RedisServerHandle;
let redis: Redis;
let processes: ScheduleProcess[] = [];

function start(label: string, kind: 'code' | 'runtime'): ScheduleProcess {
  const started = new ScheduleProcess(label, server.url, kind);
  processes.push(started);
  return started;
}

async function stopAll(): Promise<void> {
  await Promise.all(processes.map((process) => process.stop()));
  processes = [];
}

function report(): string {
  return processes.map((process) => `--- ${process.label}\n${process.output.split('\n').slice(-30).join('\n')}`).join('\n');
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
}, 20_000);

afterAll(async () => {
  if (process.env.SCHEDULE_TEST_VERBOSE) console.log(report());
  await stopAll();
  redis?.disconnect();
  await server?.stop();
}, 30_000);

// The same rules for both kinds of schedule: @Cron/@Every, and the same four created with Producer.schedule.
describe.each(['code', 'runtime'] as const)('%s schedules across three processes on one Redis', (kind) => {
  let windowRuns: Run[] = [];
  beforeAll(async () => {
    await stopAll();
    await redis.del(RUNS_KEY);
  }, 30_000);

  it('runs every tick of a 6-field cron and an @Every("1s") exactly once, enqueued within 1 s of its time', async () => {
    const started = [start('a', kind), start('b', kind), start('c', kind)];
    const readyAt = Math.max(...(await Promise.all(started.map((process) => process.ready))));
    await sleep(WINDOW_MS);
    windowRuns = await readRuns(redis);
    const windowEnd = Date.now();

    for (const schedule of ['cron-second', 'every-second']) {
      const runs = windowRuns.filter((run) => run.schedule === schedule);
      const ids = runs.map((run) => run.id);
      expect(new Set(ids).size).toBe(ids.length); // no duplicate tick
      for (const run of runs) expect(run.id).toBe(`cron:${schedule}:${run.tick}`);
      // Every whole second while all three ran has its tick (the edges are start-up and the read).
      const inside = missingSeconds(ticksOf(runs, schedule), Math.ceil(readyAt / 1_000) * 1_000, Math.floor(windowEnd / 1_000) * 1_000 - 2_000);
      expect(inside).toEqual([]);
      const lateness = runs.map((run) => run.enqueuedAt - run.tick);
      expect(Math.max(...lateness)).toBeLessThan(1_000);
      console.log(`${kind} ${schedule}: ${runs.length} ticks over ${new Set(runs.map((run) => run.pid)).size} processes, 0 duplicates, enqueue lateness max ${Math.max(...lateness)} ms, median ${lateness.sort((a, b) => a - b)[lateness.length >> 1]} ms`);
    }
  }, 40_000);

  it('never runs an overlap: false schedule twice at once, across processes, and skips ticks meanwhile', () => {
    const slow = windowRuns.filter((run) => run.schedule === 'slow').sort((a, b) => a.start - b.start);
    expect(slow.length).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < slow.length; index++) expect(slow[index]!.start).toBeGreaterThanOrEqual(slow[index - 1]!.end);
    const ticks = slow.map((run) => run.tick);
    expect(Math.min(...ticks.slice(1).map((tick, index) => tick - ticks[index]!))).toBeGreaterThanOrEqual(3_000);
    expect(processes.some((process) => process.output.includes('slow: tick') && process.output.includes('skipped, the previous run is unfinished'))).toBe(true);
  });

  it('stops a tick everywhere when one process pauses it, and restarts it everywhere on resume', async () => {
    const [a, b] = processes;
    await a!.command({ pause: 'every-second' });
    const pausedAt = Date.now();
    await sleep(3_000);
    const resumedAt = Date.now();
    await b!.command({ resume: 'every-second' });
    await sleep(2_500);
    const ticks = ticksOf(await readRuns(redis), 'every-second');
    expect(ticks.filter((tick) => tick > pausedAt + 100 && tick < resumedAt - 100)).toEqual([]);
    expect(ticks.filter((tick) => tick > resumedAt).length).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it("catches up exactly the last missed tick with catchUp 'last', and none with 'none', when one process starts after downtime", async () => {
    await stopAll();
    const before = await readRuns(redis);
    const lastBefore = (schedule: string): number => Math.max(...ticksOf(before, schedule));
    await sleep(2_500); // at least two ticks pass with no scheduler anywhere
    await redis.del(RUNS_KEY);
    const spawnedAt = Date.now();
    const restarted = start('d', kind);
    const readyAt = await restarted.ready;
    await sleep(1_500);
    const after = await readRuns(redis);

    const lastTicks = ticksOf(after, 'every-second').filter((tick) => tick > lastBefore('every-second') && tick <= readyAt);
    const caughtUp = restarted.output.match(/Caught up every-second: tick (\S+)/g) ?? [];
    expect(caughtUp).toHaveLength(1);
    const caughtUpTick = Date.parse(caughtUp[0]!.split(' ').pop()!);
    expect(caughtUpTick).toBeGreaterThanOrEqual(Math.floor(spawnedAt / 1_000) * 1_000); // the most recent one
    expect(lastTicks.filter((tick) => tick <= caughtUpTick)).toEqual([caughtUpTick]); // and no older one: no burst

    const noneTicks = ticksOf(after, 'every-none').filter((tick) => tick > lastBefore('every-none') && tick <= spawnedAt);
    expect(noneTicks).toEqual([]);
    expect(restarted.output).not.toContain('Caught up every-none');
  }, 30_000);
});

describe('runtime schedules on three processes while they change and die', () => {
  let trio: ScheduleProcess[] = [];
  beforeAll(async () => {
    await stopAll();
    await redis.del(RUNS_KEY);
    trio = [start('e', 'runtime'), start('f', 'runtime'), start('g', 'runtime')];
    await Promise.all(trio.map((process) => process.ready));
  }, 30_000);

  it('applies an upsert that changes `every` on every instance without a restart (propagation time measured)', async () => {
    const [e] = trio;
    await e!.command({ upsert: { name: 'changing', every: '1s' } });
    await sleep(3_000);
    const { startedAt, finishedAt } = await e!.command({ upsert: { name: 'changing', every: '2s' } });
    await sleep(5_000);
    // Each process logs when its scheduler re-armed the schedule, stamped with the epoch ms.
    const appliedAt = trio.map((process) => Number(/(\d+) LOG \[JobsScheduler\] Runtime schedule "changing" changed: every 2000 ms/.exec(process.output)?.[1]));
    expect(appliedAt.every((at) => Number.isFinite(at))).toBe(true);
    const lags = appliedAt.map((at) => at - startedAt);
    console.log(`runtime upsert every 1s → 2s: save ${finishedAt - startedAt} ms; applied ${lags.map((lag) => `${lag} ms`).join(', ')} after the call began (caller first, then the two others: Redis pub/sub)`);
    expect(Math.max(...lags)).toBeLessThan(1_000);

    const ticks = ticksOf(await readRuns(redis), 'changing');
    expect(new Set(ticks).size).toBe(ticks.length);
    const allApplied = Math.max(...appliedAt);
    const before = ticks.filter((tick) => tick < startedAt && tick > startedAt - 2_500);
    const after = ticks.filter((tick) => tick > allApplied);
    expect(before.length).toBeGreaterThanOrEqual(2); // every second, before the change
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((tick) => tick % 2_000 === 0)).toBe(true); // every other second, everywhere, after it
  }, 30_000);

  it('enqueues one job per tick of a runtime schedule while instances are killed (SIGKILL) and started', async () => {
    const from = Date.now();
    const [e, f, g] = trio;
    await f!.kill();
    await sleep(1_500);
    await start('h', 'runtime').ready;
    await g!.kill();
    await sleep(1_500);
    await start('i', 'runtime').ready;
    await e!.kill();
    await sleep(3_000);
    const to = Date.now();
    const runs = (await readRuns(redis)).filter((run) => run.schedule === 'every-second' && run.tick >= from && run.tick <= to);
    const ids = runs.map((run) => run.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(missingSeconds(ticksOf(runs, 'every-second'), Math.ceil(from / 1_000) * 1_000, Math.floor(to / 1_000) * 1_000 - 2_000)).toEqual([]);
    console.log(`runtime every-second while killing 3 and starting 2 instances: ${runs.length} ticks over ${new Set(runs.map((run) => run.pid)).size} processes, 0 duplicates, 0 missed`);
  }, 40_000);
});
