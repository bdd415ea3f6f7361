import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { Every } from '../decorators/every.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobEvents } from '../events/job-events.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';
import { Scheduler } from './scheduler.js';

const runs: Array<{ name: string; id: string; attempt: number }> = [];

@Injectable()
class SlowTicks {
  @Every('1s', { name: 'slow', overlap: false })
  async slow(ctx: JobContext): Promise<void> {
    runs.push({ name: 'slow', id: ctx.id, attempt: ctx.attempt });
    await sleep(2_500);
  }
}

@Injectable()
class FailingTicks {
  @Every('1s', { name: 'failing', attempts: 2, backoff: 50, priority: 5 })
  async failing(ctx: JobContext): Promise<void> {
    runs.push({ name: 'failing', id: ctx.id, attempt: ctx.attempt });
    throw new Error('always fails');
  }
}

@Injectable()
class QuickTicks {
  @Every('1s', { name: 'quick' })
  async quick(ctx: JobContext): Promise<void> {
    runs.push({ name: 'quick', id: ctx.id, attempt: ctx.attempt });
  }
}

@Injectable()
class QuietTicks {
  @Every('1s', { name: 'quick', catchUp: 'none' })
  async quick(ctx: JobContext): Promise<void> {
    runs.push({ name: 'quick', id: ctx.id, attempt: ctx.attempt });
  }
}

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  runs.length = 0;
});

async function boot(provider: object, driver: MemoryDriver): Promise<INestApplicationContext> {
  const { app } = await bootJobsApp([provider as never], { driver });
  await app.init();
  apps.push(app);
  return app;
}

/** Waits until the wall clock is `offsetMs` past a whole second. */
async function atSecondOffset(offsetMs: number): Promise<void> {
  await sleep((1_000 + offsetMs - (Date.now() % 1_000)) % 1_000);
}

describe('Scheduler semantics', () => {
  it('skips ticks while the previous run is unfinished (overlap: false) and says so on JobEvents', async () => {
    const driver = new MemoryDriver();
    const app = await boot(SlowTicks, driver);
    const events: JobEvent[] = [];
    const subscription = app.get(JobEvents).events$.subscribe((event) => events.push(event));
    await eventually(() => events.some((event) => event.type === 'skipped'), 4_000, 'a skipped tick');
    subscription.unsubscribe();
    const skipped = events.find((event) => event.type === 'skipped')!;
    expect(skipped).toMatchObject({ name: 'slow', queue: 'default' });
    expect(skipped.id).toMatch(/^cron:slow:\d+000$/);
    expect(runs.filter((run) => run.name === 'slow')).toHaveLength(1);
    const info = (await app.get(JobsAdmin).schedules()).find((schedule) => schedule.name === 'slow')!;
    expect(info.lastRunState).toBe('active');
    expect(info.lastSkippedAt!.getTime()).toBeGreaterThan(info.lastRunAt!.getTime());
  });

  it('gives a schedule tick retries, priority and dead-lettering like any job', async () => {
    const driver = new MemoryDriver();
    const app = await boot(FailingTicks, driver);
    await eventually(() => runs.some((run) => run.attempt === 2), 4_000, 'the second try');
    const { id } = runs.find((run) => run.attempt === 2)!;
    await eventually(async () => (await driver.getJob('default', id))?.state === 'dead', 2_000, 'the dead tick');
    const job = await app.get(JobsAdmin).get('default', id);
    expect(job).toMatchObject({ priority: 5, maxAttempts: 2, state: 'dead' });
    expect(job!.errors.map((error) => error.message)).toEqual(['always fails', 'always fails']);
  });

  it("catches up the most recent missed tick once at start-up with catchUp 'last'", async () => {
    const driver = new MemoryDriver();
    await atSecondOffset(100);
    const first = await boot(QuickTicks, driver);
    await eventually(() => runs.length >= 1, 2_000, 'a first tick');
    await first.get(Scheduler).stop(); // its worker stays: closing the app would close the shared driver
    await sleep(2_300); // two ticks pass with no scheduler
    await atSecondOffset(300);
    runs.length = 0;
    const restartedAt = Date.now();
    await boot(QuickTicks, driver);
    await eventually(() => runs.length >= 1, 1_000, 'the catch-up run');
    await sleep(300);
    const caughtUp = runs.filter((run) => Number(run.id.split(':').pop()) <= restartedAt);
    expect(caughtUp).toHaveLength(1);
    expect(Number(caughtUp[0]!.id.split(':').pop())).toBe(Math.floor(restartedAt / 1_000) * 1_000);
  });

  it("enqueues no missed tick at start-up with catchUp 'none'", async () => {
    const driver = new MemoryDriver();
    await atSecondOffset(100);
    const first = await boot(QuietTicks, driver);
    await eventually(() => runs.length >= 1, 2_000, 'a first tick');
    await first.get(Scheduler).stop(); // its worker stays: closing the app would close the shared driver
    await sleep(2_300);
    await atSecondOffset(300);
    runs.length = 0;
    const restartedAt = Date.now();
    await boot(QuietTicks, driver);
    await sleep(500);
    expect(runs.filter((run) => Number(run.id.split(':').pop()) <= restartedAt)).toEqual([]);
  });
});
