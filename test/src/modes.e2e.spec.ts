import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { MemoryDriver } from '@nest-jobs/core';
import { AppModule } from '../../sample-app/dist/app.module.js';
import { ChildApp, freePort, isListening } from './support/child-app.js';
import { CaptureLogger } from './support/capture-logger.js';
import { bootSampleApp, type SampleApp } from './support/sample-app.js';
import { useTempReportsDir } from './support/temp-dir.js';
import { eventually, sleep } from './support/wait.js';

let reports: Awaited<ReturnType<typeof useTempReportsDir>>;
const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  reports = await useTempReportsDir();
});
afterAll(() => reports.restore());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function boot(options: Parameters<typeof bootSampleApp>[0] = {}): Promise<SampleApp> {
  const sample = await bootSampleApp(options);
  cleanups.push(() => sample.close());
  return sample;
}

function child(env: Record<string, string>): ChildApp {
  const app = new ChildApp({ REPORTS_DIR: reports.dir, ...env });
  cleanups.push(() => app.stop('SIGKILL'));
  return app;
}

describe('mode: producer', () => {
  it('enqueues over HTTP but consumes nothing; a worker on the same driver runs the job', async () => {
    const driver = new MemoryDriver();
    const web = await boot({ driver, mode: 'producer' });
    const { jobId } = (await web.http().post('/signup').send({ email: 'ada@example.com' }).expect(202)).body as { jobId: string };
    await sleep(300);
    expect((await web.admin.get('default', jobId))?.state).toBe('waiting');
    expect(web.logs.find('JobsWorker')).toEqual([]);

    const logs = new CaptureLogger();
    const worker = await NestFactory.createApplicationContext(AppModule.register({ driver, mode: 'worker' }), { logger: logs, abortOnError: false });
    cleanups.push(() => worker.close());
    await eventually(async () => (await web.admin.get('default', jobId))?.state === 'completed', 'the worker to send the email');
    expect(logs.find('EmailJobs.sendEmail', `[job ${jobId} attempt 1/3] Sent "Welcome!"`)).toHaveLength(1);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight report finish before the app closes', async () => {
    const sample = await boot();
    const { jobId } = (await sample.http().post('/reports').send({ rows: 8 }).expect(202)).body as { jobId: string };
    await eventually(() => sample.events.of(jobId).some((event) => event.type === 'progress'), 'the report to be under way');
    await sample.close();
    expect(sample.events.of(jobId).map((event) => event.type).at(-1)).toBe('completed');
    expect((await sample.driver.getJob('reports', jobId))?.state).toBe('completed');
    expect(existsSync(join(reports.dir, `${jobId}.csv`))).toBe(true);
  });

  it('after shutdownTimeout aborts the report through ctx.signal and hands the job back, its try not counted', async () => {
    const sample = await boot({ shutdownTimeout: 100 });
    const { jobId } = (await sample.http().post('/reports').send({ rows: 8 }).expect(202)).body as { jobId: string };
    await eventually(() => sample.events.of(jobId).some((event) => event.type === 'active'), 'the report to start');
    const started = Date.now();
    await sample.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sample.logs.find('JobsWorker', 'Shutdown timeout (100 ms): aborting 1 job(s)')).toHaveLength(1);
    expect(await sample.driver.getJob('reports', jobId)).toMatchObject({ state: 'waiting', attempt: 0, errors: [] });
    expect(existsSync(join(reports.dir, `${jobId}.csv`))).toBe(false);
  });
});

describe('node sample-app/dist/main.js', () => {
  it('JOBS_MODE=worker consumes jobs without opening an HTTP port, and exits on SIGTERM', async () => {
    const port = await freePort();
    const worker = child({ JOBS_MODE: 'worker', PORT: String(port) });
    await worker.waitFor('Worker started');
    expect(worker.output).toContain('nest-jobs: memory driver (set REDIS_URL to use Redis), mode worker');
    expect(worker.output).toContain('Consuming "default", "reports", "maintenance" on the memory driver');
    expect(worker.output).not.toContain('Mapped {');
    expect(await isListening(port)).toBe(false);

    const exit = await worker.stop('SIGTERM');
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  }, 30_000);

  it('by default serves HTTP on PORT and runs jobs in the same process', async () => {
    const port = await freePort();
    const app = child({ PORT: String(port) });
    await app.waitFor(`HTTP on port ${port}`);
    expect(app.output).toContain('mode all');

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', driver: 'memory' });
    const signup = await fetch(`http://127.0.0.1:${port}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com' }),
    });
    const { jobId } = (await signup.json()) as { jobId: string };
    await app.waitFor(`[job ${jobId} attempt 1/3] Sent "Welcome!" to ada@example.com`);

    const exit = await app.stop('SIGTERM');
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(await isListening(port)).toBe(false);
  }, 30_000);

  it('JOBS_MODE=garbage fails to start, naming the variable and the allowed values', async () => {
    const app = child({ JOBS_MODE: 'garbage', PORT: String(await freePort()) });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output).toContain('JOBS_MODE must be one of "all", "worker", "producer" (got "garbage").');
  }, 30_000);
});
