import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobsModule, MemoryDriver } from '@nest-jobs/core';
import { JobsTester } from '@nest-jobs/core/testing';
import { MaintenanceModule } from './maintenance.module.js';

/** 21:00 in Berlin (winter, UTC+1). */
const START = new Date('2030-01-14T20:00:00Z');

let moduleRef: TestingModule;
let jobs: JobsTester;
let dir: string;
const previousReportsDir = process.env.REPORTS_DIR;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maintenance-'));
  process.env.REPORTS_DIR = dir;
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: { startAt: START } }), MaintenanceModule],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  jobs = moduleRef.get(JobsTester);
});

afterEach(async () => {
  await moduleRef.close();
  if (previousReportsDir === undefined) delete process.env.REPORTS_DIR;
  else process.env.REPORTS_DIR = previousReportsDir;
  await rm(dir, { recursive: true, force: true });
});

describe('MaintenanceJobs schedules', () => {
  it('cleans up at 02:00 Berlin time, removing reports more than 7 days older than the tick', async () => {
    const old = join(dir, 'old.csv');
    const recent = join(dir, 'recent.csv');
    await Promise.all([old, recent].map((path) => writeFile(path, 'row,value\n')));
    // File times are real, the tick is virtual: date the files relative to the virtual clock.
    const days = (count: number): Date => new Date(START.getTime() - count * 24 * 3_600_000);
    await utimes(old, days(8), days(8));
    await utimes(recent, days(1), days(1));

    const beforeTwo = await jobs.advance('4h59m');
    expect(beforeTwo.runs.filter((run) => run.name === 'MaintenanceJobs.cleanup')).toEqual([]);

    const report = await jobs.advance('1m');
    expect(report.completed.filter((run) => run.name === 'MaintenanceJobs.cleanup').map((run) => [run.at.toISOString(), run.result])).toEqual([
      ['2030-01-15T01:00:00.000Z', { removed: 1 }],
    ]);
    expect([existsSync(old), existsSync(recent)]).toEqual([false, true]);
  });

  it('syncs every 5 minutes, only as the clock advances', async () => {
    expect((await jobs.drain()).runs).toEqual([]);
    await jobs.advance('1h');
    expect(jobs.enqueued('MaintenanceJobs.syncExternal').map((tick) => tick.scheduledFor?.toISOString().slice(11, 16))).toEqual(
      ['20:05', '20:10', '20:15', '20:20', '20:25', '20:30', '20:35', '20:40', '20:45', '20:50', '20:55', '21:00'],
    );
  });
});
