import { afterAll, beforeAll, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getProducerToken, Job, JobsModule, OnJobEvent, type JobEvent, type JobsMode, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';

// Two apps on one Redis, as two processes would be: a worker that runs the job, and a web app
// whose @OnJobEvent listener hears what happened in the worker.

const heard: Array<{ app: string; event: JobEvent }> = [];

@Injectable()
class ReportJobs {
  @Job({ queue: 'reports' })
  build(month: string): string {
    return `report ${month}`;
  }
}

let redis: RedisServerHandle;
const apps: INestApplicationContext[] = [];

async function app(name: string, mode: JobsMode): Promise<INestApplicationContext> {
  @Injectable()
  class Listener {
    @OnJobEvent('completed', { job: 'ReportJobs.build' })
    done(event: JobEvent): void {
      heard.push({ app: name, event });
    }
  }
  @Module({ imports: [JobsModule.forRoot({ driver: new RedisDriver({ url: redis.url, prefix: 'listen' }), mode, shutdownTimeout: 1_000 })], providers: [ReportJobs, Listener] })
  class AppModule {}
  const context = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  await context.init();
  apps.push(context);
  return context;
}

beforeAll(async () => {
  redis = await startRedisServer();
}, 20_000);
afterAll(async () => {
  for (const context of apps) await context.close();
  await redis?.stop();
}, 20_000);

it('delivers a job event of a worker process to @OnJobEvent listeners of every app on the driver', async () => {
  await app('worker', 'worker');
  const web = await app('web', 'producer');
  const handle = await web.get<Producer<ReportJobs>>(getProducerToken(ReportJobs)).enqueue('build', '2026-11');
  expect(await handle.result({ timeout: 10_000 })).toBe('report 2026-11');
  const deadline = Date.now() + 5_000;
  while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(heard.map(({ app: name }) => name).sort()).toEqual(['web', 'worker']);
  expect(heard.every(({ event }) => event.id === handle.id && event.result === 'report 2026-11')).toBe(true);
});
