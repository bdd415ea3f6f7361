import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { JobsModuleOptions } from '../module/jobs-options.interface.js';
import { getProducerToken } from '../module/jobs.tokens.js';
import type { Producer } from '../producer/producer.interface.js';
import { bootJobsApp, eventually } from '../spec-support/boot.js';

// Spans with an SDK, across processes: test/src/tracing. Here: what tracing does without one, and bad options.

@Injectable()
class EchoJobs {
  @Job()
  async echo(payload: { tag: string }): Promise<string> {
    return payload.tag;
  }
}

const apps: INestApplicationContext[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(options: Partial<JobsModuleOptions>): Promise<INestApplicationContext> {
  const { app } = await bootJobsApp([EchoJobs], options);
  apps.push(app);
  await app.init();
  return app;
}

describe('tracing without an OpenTelemetry SDK', () => {
  it('runs jobs and stores no trace context: a job is as large as with tracing off', async () => {
    const driver = new MemoryDriver();
    const app = await boot({ driver, tracing: { parent: 'child' } });
    const handle = await app.get<Producer<EchoJobs>>(getProducerToken(EchoJobs)).enqueue('echo', { tag: 'a' });
    expect(await handle.result({ timeout: 5_000 })).toBe('a');
    await eventually(async () => (await driver.getJob('default', handle.id))?.state === 'completed');
    expect(await driver.getJob('default', handle.id)).not.toHaveProperty('trace');
  });
});

describe('tracing option', () => {
  it.each([
    [{ parent: 'sideways' }, 'JobsModule.forRoot: tracing.parent must be "link" or "child" (got "sideways").'],
    ['yes', `JobsModule.forRoot: tracing must be true, false or { parent?: 'link' | 'child' } (got "yes").`],
  ])('refuses %j at bootstrap, naming the option', async (tracing, message) => {
    await expect(boot({ tracing: tracing as JobsModuleOptions['tracing'] })).rejects.toThrow(message);
  });
});
