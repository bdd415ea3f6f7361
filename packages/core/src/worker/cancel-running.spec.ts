import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { Producer } from '../producer/producer.interface.js';

const seen: { started: string[]; aborted: unknown[]; finished: string[] } = { started: [], aborted: [], finished: [] };

@Injectable()
class ExportJobs {
  constructor(@InjectProducer(ExportJobs) readonly producer: Producer<ExportJobs>) {}

  /** Works until told to stop. */
  @Job({ attempts: 3 })
  async polite(_payload: string, ctx: JobContext): Promise<string> {
    seen.started.push(ctx.id);
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    seen.aborted.push(ctx.signal.reason);
    return 'stopped';
  }

  /** Ignores its signal and returns anyway. */
  @Job({ attempts: 3 })
  async stubborn(_payload: string, ctx: JobContext): Promise<string> {
    seen.started.push(ctx.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    seen.finished.push(ctx.id);
    return 'done anyway';
  }
}

@Module({ providers: [ExportJobs] })
class ExportModule {}

let moduleRef: TestingModule | undefined;
afterEach(async () => {
  seen.started.length = seen.aborted.length = seen.finished.length = 0;
  await moduleRef?.close();
  moduleRef = undefined;
});

async function boot(): Promise<{ producer: Producer<ExportJobs>; admin: JobsAdmin }> {
  moduleRef = await Test.createTestingModule({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 500 }), ExportModule] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return { producer: moduleRef.get(ExportJobs).producer, admin: moduleRef.get(JobsAdmin) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('cancelling a running job', () => {
  it('aborts its signal with JobCancelledError, never retries it, and rejects its result', async () => {
    const { producer, admin } = await boot();
    const handle = await producer.enqueue('polite', 'x');
    await until(() => seen.started.length === 1, 'the start');
    const began = Date.now();
    expect(await handle.cancel('user closed the tab')).toBe(true);
    await until(() => seen.aborted.length === 1, 'the abort');
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(seen.aborted[0]).toBeInstanceOf(JobCancelledError);
    await expect(handle.result({ timeout: 2_000 })).rejects.toThrow(/was cancelled: user closed the tab/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await admin.get('default', handle.id)).toMatchObject({ state: 'cancelled', attempt: 1 });
    expect(seen.started).toHaveLength(1);
    expect(await handle.cancel()).toBe(false);
  });

  it('refuses the outcome of a handler that ignores its signal: the job stays cancelled', async () => {
    const { producer, admin } = await boot();
    const handle = await producer.enqueue('stubborn', 'y');
    await until(() => seen.started.length === 1, 'the start');
    expect(await admin.cancel('default', handle.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen.finished).toEqual([handle.id]);
    const job = await admin.get('default', handle.id);
    expect(job).toMatchObject({ state: 'cancelled' });
    expect(job!.result).toBeUndefined();
    expect((await admin.queues())[0]!.counts).toMatchObject({ cancelled: 1, completed: 0 });
  });
});
