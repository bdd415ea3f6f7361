import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { OnJobEvent } from '../decorators/on-job-event.decorator.js';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { JobEvents } from '../events/job-events.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import { JobFailedError } from '../errors/job-failed.error.js';
import { MissingDependencyError } from '../errors/missing-dependency.error.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import type { Producer } from './producer.interface.js';
import { bootJobsApp, eventually } from '../spec-support/boot.js';

const merged: Array<{ payload: string; results: unknown[] }> = [];

@Injectable()
class ReportJobs {
  constructor(@InjectProducer(ReportJobs) readonly producer: Producer<ReportJobs>) {}

  @Job({ queue: 'exports' })
  async exportPart(part: number): Promise<{ part: number; rows: number }> {
    if (part < 0) throw new Error(`part ${part} failed`);
    return { part, rows: part * 10 };
  }

  @Job({ queue: 'reports' })
  async merge(label: string, ctx: JobContext): Promise<number> {
    const results = await ctx.dependencies<Array<{ rows: number } | undefined>>();
    merged.push({ payload: label, results });
    return results.reduce((sum, result) => sum + (result?.rows ?? 0), 0);
  }
}

const heard: string[] = [];

@Injectable()
class DependencyListener {
  @OnJobEvent(['blocked', 'unblocked'], { job: 'ReportJobs.merge' })
  hear(event: JobEvent): void {
    heard.push(`${event.type} ${event.id}`);
  }
}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  merged.length = 0;
  heard.length = 0;
  await app?.close();
  app = undefined;
});

async function boot(): Promise<{ reports: Producer<ReportJobs>; admin: JobsAdmin; events: JobEvent[] }> {
  ({ app } = await bootJobsApp([ReportJobs, DependencyListener]));
  await app.init();
  const events: JobEvent[] = [];
  app.get(JobEvents).events$.subscribe((event) => events.push(event));
  return { reports: app.get(ReportJobs).producer, admin: app.get(JobsAdmin), events };
}

describe('job dependencies through the producer, the worker and the admin', () => {
  it('runs a fan-in job after its parts, in another queue, with their results in order from ctx.dependencies()', async () => {
    const { reports, admin, events } = await boot();
    const parts = await Promise.all([3, 1, 2].map((part) => reports.enqueue('exportPart', part)));
    const total = await reports.enqueue('merge', 'q1', { dependsOn: parts });
    expect(await total.result({ timeout: 5_000 })).toBe(60);
    expect(merged).toEqual([{ payload: 'q1', results: [{ part: 3, rows: 30 }, { part: 1, rows: 10 }, { part: 2, rows: 20 }] }]);
    const types = events.filter((event) => event.id === total.id).map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['enqueued', 'blocked', 'unblocked']);
    expect(heard).toEqual([`blocked ${total.id}`, `unblocked ${total.id}`]);
    const info = await admin.get('reports', total.id);
    expect(info!.dependencies).toEqual(parts.map((part, index) => ({
      queue: 'exports', id: part.id, state: 'completed', handedOver: true, result: { part: [3, 1, 2][index], rows: [30, 10, 20][index] },
    })));
  });

  it('shows a blocked job with its dependencies and their states now, and counts it', async () => {
    const { reports, admin } = await boot();
    await admin.pause('exports');
    const part = await reports.enqueue('exportPart', 1);
    const total = await reports.enqueue('merge', 'q2', { dependsOn: [{ queue: 'exports', id: part.id }] });
    expect(await total.state()).toBe('blocked');
    expect((await admin.get('reports', total.id))!.dependencies).toEqual([{ queue: 'exports', id: part.id, state: 'waiting', handedOver: false }]);
    expect((await admin.queues()).find((queue) => queue.name === 'reports')!.counts.blocked).toBe(1);
    expect((await admin.list('reports', 'blocked')).map((job) => job.id)).toEqual([total.id]);
    await admin.resume('exports');
    await total.result({ timeout: 5_000 });
  });

  it("ends a job dead with a DependencyFailedError when a part fails, or runs it with 'ignore' and undefined for that part", async () => {
    const { reports } = await boot();
    const [good, bad] = await Promise.all([reports.enqueue('exportPart', 1), reports.enqueue('exportPart', -1)]);
    const strict = await reports.enqueue('merge', 'strict', { dependsOn: [good, bad] });
    const lenient = await reports.enqueue('merge', 'lenient', { dependsOn: [good, bad], onDependencyFailure: 'ignore' });
    const failure = await strict.result({ timeout: 5_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobFailedError);
    expect((failure as JobFailedError).message).toContain(`dependency ${bad.id} in queue "exports" ended dead`);
    expect(await lenient.result({ timeout: 5_000 })).toBe(10);
    await eventually(() => merged.length === 1);
    expect(merged).toEqual([{ payload: 'lenient', results: [{ part: 1, rows: 10 }, undefined] }]);
  });

  it('gives [] from ctx.dependencies() to a job without dependencies', async () => {
    const { reports } = await boot();
    await (await reports.enqueue('merge', 'alone')).result({ timeout: 5_000 });
    expect(merged).toEqual([{ payload: 'alone', results: [] }]);
  });

  it('refuses bad dependency options and unknown dependencies with errors naming them, writing nothing', async () => {
    const { reports, admin } = await boot();
    await expect(reports.enqueue('merge', 'x', { dependsOn: [{ queue: 'exports', id: 'nope' }] })).rejects.toThrow(MissingDependencyError);
    await expect(reports.enqueue('merge', 'x', { dependsOn: [{ queue: 'exports', id: 'nope' }] })).rejects.toThrow('dependency nope in queue "exports" does not exist');
    await expect(reports.enqueue('merge', 'x', { dependsOn: [] })).rejects.toThrow(InvalidJobInputError);
    await expect(reports.enqueue('merge', 'x', { jobId: 'self', dependsOn: [{ queue: 'reports', id: 'self' }] })).rejects.toThrow(/cannot depend on itself/);
    const part = await reports.enqueue('exportPart', 1);
    await expect(reports.enqueue('merge', 'x', { dependsOn: [part, part] })).rejects.toThrow(/dependsOn\[1\].*each job at most once/);
    await expect(reports.enqueue('merge', 'x', { onDependencyFailure: 'ignore' })).rejects.toThrow(/onDependencyFailure.*only with dependsOn/);
    await expect(reports.enqueue('merge', 'x', { dependsOn: [part], onDependencyFailure: 'maybe' as 'fail' })).rejects.toThrow(/onDependencyFailure/);
    expect((await admin.queues()).find((queue) => queue.name === 'reports')!.counts).toMatchObject({ blocked: 0, waiting: 0, completed: 0 });
  });

  it('cancels a blocked job', async () => {
    const { reports, admin } = await boot();
    await admin.pause('exports');
    const part = await reports.enqueue('exportPart', 1);
    const total = await reports.enqueue('merge', 'q3', { dependsOn: [part] });
    expect(await total.cancel('no longer needed')).toBe(true);
    expect(await total.state()).toBe('cancelled');
  });
});
