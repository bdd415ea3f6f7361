import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { getProducerToken } from '../module/jobs.tokens.js';
import type { Producer } from '../producer/producer.interface.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';

const runs: Array<{ id: string; tick: number; payload: unknown }> = [];
const warnings: string[] = [];

@Injectable()
class PollJobs {
  @Job()
  refresh(payload: { source: string }, ctx: JobContext): void {
    runs.push({ id: ctx.id, tick: ctx.scheduledFor!.getTime(), payload });
  }
}

@Injectable()
class OtherJobs {
  @Job()
  unrelated(): void {}
}

const capture: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => void warnings.push(String(message)),
};

const apps: INestApplicationContext[] = [];
async function boot(driver: MemoryDriver, providers: Array<typeof PollJobs | typeof OtherJobs> = [PollJobs]): Promise<INestApplicationContext> {
  const { app } = await bootJobsApp(providers, { driver });
  app.useLogger(capture);
  await app.init();
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  runs.length = 0;
  warnings.length = 0;
});

describe('runtime schedules across apps sharing one driver', () => {
  it('runs each tick once among three instances, picks up an upsert everywhere, and survives a restart', async () => {
    const driver = new MemoryDriver();
    const [a] = [await boot(driver), await boot(driver), await boot(driver)];
    const producer = a!.get<Producer<PollJobs>>(getProducerToken(PollJobs));
    await producer.schedule('poll', 'refresh', { source: 'one' }, { every: '1s' });
    await sleep(3_200);
    const ticks = runs.map((run) => run.tick);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.every((tick) => tick % 1_000 === 0)).toBe(true);

    await producer.schedule('poll', 'refresh', { source: 'two' }, { every: '2s' });
    const changedAt = Date.now();
    runs.length = 0;
    await sleep(4_500);
    const after = runs.filter((run) => run.tick > changedAt + 50);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((run) => run.tick % 2_000 === 0 && (run.payload as { source: string }).source === 'two')).toBe(true);
    expect(new Set(after.map((run) => run.tick)).size).toBe(after.length);

    await Promise.all(apps.splice(0).map((app) => app.close()));
    runs.length = 0;
    await boot(driver);
    await eventually(() => runs.some((run) => (run.payload as { source: string }).source === 'two'), 5_000, 'a tick after the restart');
  }, 20_000);

  it('skips, with a warning naming it, a runtime schedule whose job this app does not have, and keeps running', async () => {
    const driver = new MemoryDriver();
    const withJob = await boot(driver);
    const withoutJob = await boot(driver, [OtherJobs]);
    await withJob.get<Producer<PollJobs>>(getProducerToken(PollJobs)).schedule('poll', 'refresh', { source: 'x' }, { every: '1s' });
    await eventually(() => warnings.some((line) => line.includes('Runtime schedule "poll" is skipped: its job "PollJobs.refresh" is not a @Job of this application')), 3_000, 'the warning');
    const listed = await withoutJob.get(JobsAdmin).schedules();
    expect(listed).toEqual([expect.objectContaining({ name: 'poll', source: 'runtime', job: 'PollJobs.refresh', problem: expect.stringContaining('is not a @Job of this application') })]);
    await expect(withoutJob.get(JobsAdmin).trigger('poll')).rejects.toThrow('JobsAdmin.trigger("poll"): runtime schedule "poll" does not run in this application');
    await eventually(() => runs.length >= 2, 4_000, 'ticks run by the app that has the job');
    expect(warnings.filter((line) => line.includes('"poll" is skipped'))).toHaveLength(1);
    expect(await withoutJob.get(JobsAdmin).removeSchedule('poll')).toBe(true);
  }, 15_000);
});
