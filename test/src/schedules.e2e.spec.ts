import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bootSampleApp, type SampleApp } from './support/sample-app.js';
import { useTempReportsDir } from './support/temp-dir.js';

let reports: Awaited<ReturnType<typeof useTempReportsDir>>;
let sample: SampleApp;
beforeAll(async () => {
  reports = await useTempReportsDir();
});
afterAll(() => reports.restore());
beforeEach(async () => {
  sample = await bootSampleApp();
});
afterEach(() => sample.close());

function berlinHourMinute(date: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

describe('GET /health', () => {
  it('lists every queue of the app with its counts', async () => {
    await sample.http().post('/signup').send({ email: 'ada@example.com' }).expect(202);
    await sample.admin.pause('reports');
    await sample.http().post('/reports').send({}).expect(202);
    const response = await sample.http().get('/health').expect(200);
    const counts = (waiting: number) => ({ blocked: 0, waiting, delayed: 0, active: expect.any(Number), completed: expect.any(Number), dead: 0, expired: 0, cancelled: 0 });
    expect(response.body).toEqual({
      status: 'ok',
      driver: 'memory',
      queues: [
        { name: 'default', paused: false, counts: counts(expect.any(Number) as unknown as number) },
        // a 5-minute sync tick may land during the test
        { name: 'maintenance', paused: false, counts: counts(expect.any(Number) as unknown as number) },
        { name: 'reports', paused: true, counts: { blocked: 0, waiting: 1, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 } },
      ],
    });
    const defaultQueue = (response.body as { queues: Array<{ counts: Record<string, number> }> }).queues[0]!.counts;
    expect(defaultQueue.waiting! + defaultQueue.active! + defaultQueue.completed!).toBe(1);
  });
});

describe('schedules', () => {
  it('runs the cleanup at 02:00 Berlin time and the external sync every 5 minutes', async () => {
    const schedules = await sample.admin.schedules();
    const cleanup = schedules.find((schedule) => schedule.name === 'MaintenanceJobs.cleanup');
    const sync = schedules.find((schedule) => schedule.name === 'MaintenanceJobs.syncExternal');
    expect(cleanup).toMatchObject({ queue: 'maintenance', expression: '0 2 * * *', timezone: 'Europe/Berlin', paused: false });
    expect(berlinHourMinute(cleanup!.nextRunAt)).toBe('02:00');
    expect(cleanup!.nextRunAt.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
    expect(sync).toMatchObject({ queue: 'maintenance', every: 300_000 });
    expect(sync!.nextRunAt.getTime() % 300_000).toBe(0);
  });

  it('the external sync, triggered by hand, logs its stub call and returns', async () => {
    const handle = await sample.admin.trigger('MaintenanceJobs.syncExternal');
    const result = (await handle.result({ timeout: 5_000 })) as { syncedAt: string };
    expect(Number.isNaN(Date.parse(result.syncedAt))).toBe(false);
    expect(sample.logs.find('MaintenanceJobs.syncExternal', `[job ${handle.id} attempt 1/2] Synced with the external CRM`)).toHaveLength(1);
  });

  it('the nightly cleanup removes reports older than 7 days and keeps newer ones', async () => {
    const old = join(reports.dir, 'old.csv');
    const recent = join(reports.dir, 'recent.csv');
    const notAReport = join(reports.dir, 'keep.txt');
    await Promise.all([old, recent, notAReport].map((path) => writeFile(path, 'row,value\n')));
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3_600_000);
    await utimes(old, eightDaysAgo, eightDaysAgo);
    await utimes(notAReport, eightDaysAgo, eightDaysAgo);

    const handle = await sample.admin.trigger('MaintenanceJobs.cleanup');
    expect(await handle.result({ timeout: 5_000 })).toEqual({ removed: 1 });
    expect([existsSync(old), existsSync(recent), existsSync(notAReport)]).toEqual([false, true, true]);
  });
});
