import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { Cron } from '../decorators/cron.decorator.js';
import { Every } from '../decorators/every.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';

let runs: Array<{ id: string; scheduledFor?: number }> = [];

@Injectable()
class Ticks {
  @Every('1s', { name: 'ticker' })
  async tick(ctx: JobContext): Promise<void> {
    runs.push({ id: ctx.id, scheduledFor: ctx.scheduledFor?.getTime() });
  }

  @Cron('0 3 * * *', { timezone: 'Europe/Berlin' })
  async nightly(): Promise<void> {
    runs.push({ id: 'nightly' });
  }
}

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  runs = [];
});

async function boot(driver: MemoryDriver): Promise<INestApplicationContext> {
  const { app } = await bootJobsApp([Ticks], { driver });
  await app.init();
  apps.push(app);
  return app;
}

describe('Scheduler', () => {
  it('enqueues one job per tick with the id cron:<name>:<tick>, even with three schedulers', async () => {
    const driver = new MemoryDriver();
    await Promise.all([boot(driver), boot(driver), boot(driver)]);
    await sleep(2_600);
    const ids = runs.map((run) => run.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(ids.length);
    for (const run of runs) {
      expect(run.id).toBe(`cron:ticker:${run.scheduledFor}`);
      expect(run.scheduledFor! % 1_000).toBe(0);
    }
  });

  it('lists schedules with their next run, and triggers one now under a distinct id', async () => {
    const app = await boot(new MemoryDriver());
    const admin = app.get(JobsAdmin);
    const schedules = await admin.schedules();
    const nightly = schedules.find((schedule) => schedule.name === 'Ticks.nightly');
    expect(nightly).toMatchObject({ expression: '0 3 * * *', timezone: 'Europe/Berlin', paused: false });
    expect(nightly!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(schedules.find((schedule) => schedule.name === 'ticker')?.every).toBe(1_000);
    const handle = await admin.trigger('Ticks.nightly');
    expect(handle.id).toMatch(/^trigger:Ticks\.nightly:/);
    await eventually(() => runs.some((run) => run.id === 'nightly'), 2_000, 'the triggered run');
    await expect(admin.trigger('nope')).rejects.toThrow('No schedule named "nope"');
  });

  it('stops a paused schedule and restarts it on resume', async () => {
    const app = await boot(new MemoryDriver());
    const admin = app.get(JobsAdmin);
    await admin.pauseSchedule('ticker');
    runs = [];
    await sleep(1_500);
    expect(runs.filter((run) => run.id.startsWith('cron:ticker'))).toHaveLength(0);
    expect((await admin.schedules()).find((schedule) => schedule.name === 'ticker')?.paused).toBe(true);
    await admin.resumeSchedule('ticker');
    await eventually(() => runs.some((run) => run.id.startsWith('cron:ticker')), 2_500, 'a tick after resume');
  });
});
