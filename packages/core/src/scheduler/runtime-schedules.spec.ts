import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { Every } from '../decorators/every.decorator.js';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { Producer } from '../producer/producer.interface.js';
import { JobsTester } from '../testing/jobs-tester.js';

const START = Date.UTC(2030, 0, 7, 7, 0, 0); // a Monday, 08:00 in Berlin
const ran: string[] = [];

@Injectable()
class ReportJobs {
  constructor(@InjectProducer(ReportJobs) readonly reports: Producer<ReportJobs>) {}

  @Job()
  sendDigest(payload: { team: string }, ctx: JobContext): void {
    ran.push(`digest ${payload.team} ${ctx.scheduledFor?.toISOString() ?? 'now'}`);
  }

  @Job()
  refresh(): void {
    ran.push('refresh');
  }

  @Every('1h', { name: 'hourly' })
  hourly(): void {
    ran.push('hourly');
  }
}

@Module({ providers: [ReportJobs] })
class ReportsModule {}

let moduleRef: TestingModule;
let jobs: JobsTester;
let reports: Producer<ReportJobs>;
let admin: JobsAdmin;

beforeEach(async () => {
  ran.length = 0;
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: { startAt: new Date(START) } }), ReportsModule],
  }).compile();
  await moduleRef.init();
  jobs = moduleRef.get(JobsTester);
  reports = moduleRef.get(ReportJobs).reports;
  admin = moduleRef.get(JobsAdmin);
});

afterEach(() => moduleRef.close());

describe('runtime schedules in testing mode', () => {
  it('ticks a cron schedule in its zone with its payload only on advance()', async () => {
    await reports.schedule('weekly', 'sendDigest', { team: 'core' }, { cron: '0 9 * * 1', timezone: 'Europe/Berlin' });
    await jobs.drain();
    expect(ran).toEqual([]);
    await jobs.advance('59m');
    expect(ran.filter((line) => line.startsWith('digest'))).toEqual([]);
    await jobs.advance('1m');
    expect(ran.filter((line) => line.startsWith('digest'))).toEqual(['digest core 2030-01-07T08:00:00.000Z']);
    await jobs.advance('7d');
    expect(ran.filter((line) => line.startsWith('digest'))).toEqual(['digest core 2030-01-07T08:00:00.000Z', 'digest core 2030-01-14T08:00:00.000Z']);
    expect(jobs.enqueued('ReportJobs.sendDigest').map((job) => job.id)).toEqual([`cron:weekly:${Date.UTC(2030, 0, 7, 8)}`, `cron:weekly:${Date.UTC(2030, 0, 14, 8)}`]);
  });

  it('applies an upsert at once: the new interval and payload from the next tick on', async () => {
    await reports.schedule('poll', 'sendDigest', { team: 'a' }, { every: '10m' });
    await jobs.advance('20m');
    await reports.schedule('poll', 'sendDigest', { team: 'b' }, { every: '30m' });
    await jobs.advance('60m');
    const digests = ran.filter((line) => line.startsWith('digest')).map((line) => line.slice(7, 8) + line.slice(20, 25));
    expect(digests).toEqual(['a07:10', 'a07:20', 'b07:30', 'b08:00']);
  });

  it('stops ticking after unschedule, and says whether there was a schedule to remove', async () => {
    await reports.schedule('poll', 'refresh', undefined, { every: '10m' });
    await jobs.advance('10m');
    expect(await reports.unschedule('poll')).toBe(true);
    expect(await reports.unschedule('poll')).toBe(false);
    await jobs.advance('1h');
    expect(ran.filter((line) => line === 'refresh')).toHaveLength(1);
  });

  it('forgets runtime schedules on JobsTester.reset(), keeping the code ones', async () => {
    await reports.schedule('poll', 'refresh', undefined, { every: '10m' });
    await jobs.reset();
    await jobs.advance('1h');
    expect(ran).toEqual(['hourly']);
    expect((await admin.schedules()).map(({ name }) => name)).toEqual(['hourly']);
  });

  it('lists code and runtime schedules with their source, and pauses, resumes, triggers and removes a runtime one', async () => {
    await reports.schedule('weekly', 'sendDigest', { team: 'ops' }, { cron: '0 9 * * 1', timezone: 'Europe/Berlin', overlap: false });
    const listed = await admin.schedules();
    expect(listed.map(({ name, source, job }) => ({ name, source, job }))).toEqual([
      { name: 'hourly', source: 'code', job: 'hourly' },
      { name: 'weekly', source: 'runtime', job: 'ReportJobs.sendDigest' },
    ]);
    expect(listed[1]).toMatchObject({ queue: 'default', expression: '0 9 * * 1', timezone: 'Europe/Berlin', payload: { team: 'ops' }, paused: false, nextRunAt: new Date(Date.UTC(2030, 0, 7, 8)) });

    await admin.pauseSchedule('weekly');
    await jobs.advance('2h');
    expect(ran.filter((line) => line.startsWith('digest'))).toEqual([]);
    expect((await admin.schedules()).find(({ name }) => name === 'weekly')?.paused).toBe(true);
    await admin.resumeSchedule('weekly');

    const handle = await admin.trigger('weekly');
    await jobs.drain();
    expect(await handle.state()).toBe('completed');
    expect(ran).toContain(`digest ops ${new Date(START + 2 * 3_600_000).toISOString()}`);

    expect(await admin.removeSchedule('weekly')).toBe(true);
    expect((await admin.schedules()).map(({ name }) => name)).toEqual(['hourly']);
    await expect(admin.removeSchedule('hourly')).rejects.toThrow('JobsAdmin.removeSchedule("hourly"): "hourly" is the code schedule ReportJobs.hourly (@Cron/@Every)');
  });

  it('refuses bad input at the call, naming the schedule and what is wrong, and stores nothing', async () => {
    const refused = async (call: Promise<unknown>, message: string): Promise<void> => expect(call).rejects.toThrow(message);
    await refused(reports.schedule('weekly', 'sendDigest', { team: 'x' }, { cron: '0 9 * *' }), 'Producer<ReportJobs>.schedule("weekly"): invalid cron expression "0 9 * *" (4 fields)');
    await refused(reports.schedule('weekly', 'sendDigest', { team: 'x' }, { cron: '0 99 * * *' }), 'Producer<ReportJobs>.schedule("weekly"): invalid cron expression "0 99 * * *"');
    await refused(reports.schedule('weekly', 'sendDigest', { team: 'x' }, { cron: '0 9 * * 1', timezone: 'Mars/Olympus' }), 'unknown timezone "Mars/Olympus"');
    await refused(reports.schedule('poll', 'refresh', undefined, { every: '30 s' }), 'Producer<ReportJobs>.schedule("poll"): every must be a whole number of ms ≥ 1000 or a duration like "30s"');
    await refused(reports.schedule('poll', 'refresh', undefined, { every: 500 }), 'every must be a whole number of ms ≥ 1000');
    await refused(reports.schedule('poll', 'refresh', undefined, {} as never), 'give exactly one of `cron` and `every` (got neither)');
    await refused(reports.schedule('poll', 'refresh', undefined, { every: '1m', cron: '* * * * *' } as never), 'give exactly one of `cron` and `every` (got both)');
    await refused(reports.schedule('poll', 'refresh', undefined, { every: '1m', catchUp: 'all' as never }), 'Producer<ReportJobs>.schedule("poll"): catchUp must be "none" or "last" (got "all")');
    await refused(reports.schedule('poll', 'nope' as never, undefined, { every: '1m' }), 'Producer<ReportJobs>: "nope" is not a @Job method of ReportJobs');
    await refused(reports.schedule('poll', 'hourly' as never, undefined, { every: '1m' }), 'is a schedule (@Cron/@Every), not a @Job');
    await refused(reports.schedule('hourly', 'refresh', undefined, { every: '1m' }), 'Producer<ReportJobs>.schedule("hourly"): "hourly" is the code schedule ReportJobs.hourly (@Cron/@Every)');
    await refused(reports.schedule('', 'refresh', undefined, { every: '1m' }), 'Producer<ReportJobs>.schedule(""): name must be a string of 1–200 characters');
    await refused(reports.schedule('poll', 'sendDigest', { team: new Map() } as never, { every: '1m' }), 'payload of Producer<ReportJobs>.schedule("poll")');
    expect((await admin.schedules()).map(({ name }) => name)).toEqual(['hourly']);
  });
});
