import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobsAdmin, JobsModule, MemoryDriver, getProducerToken, type JobsMode, type JobsOutbox, type Producer, type QueueDriver } from '@nest-jobs/core';
import { JobsDashboardModule } from '../dashboard.module.js';
import type { JobsDashboardOptions } from '../dashboard-options.interface.js';
import { FixtureJobs } from './fixture-jobs.js';

export interface DashboardSpecApp {
  app: INestApplication;
  url: string;
  admin: JobsAdmin;
  producer: Producer<FixtureJobs>;
}

/** A real Nest app on Express with JobsModule (memory driver), the fixture jobs and a dashboard. */
export async function bootDashboardApp(
  dashboard: JobsDashboardOptions,
  options: { mode?: JobsMode; imports?: Array<Type | DynamicModule>; outbox?: JobsOutbox; driver?: QueueDriver } = {},
): Promise<DashboardSpecApp> {
  @Module({
    imports: [
      JobsModule.forRoot({
        driver: options.driver ?? new MemoryDriver(), mode: options.mode ?? 'all', shutdownTimeout: 500, ...(options.outbox && { outbox: options.outbox }),
      }),
      JobsDashboardModule.forRoot(dashboard),
      ...(options.imports ?? []),
    ],
    providers: [FixtureJobs],
  })
  class DashboardSpecModule {}
  const app = await NestFactory.create(DashboardSpecModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    admin: app.get(JobsAdmin),
    producer: app.get<Producer<FixtureJobs>>(getProducerToken(FixtureJobs)),
  };
}

export const DEMO_AUTH = { username: 'ops', password: 's3cret' };
export const BASIC = `Basic ${Buffer.from(`${DEMO_AUTH.username}:${DEMO_AUTH.password}`).toString('base64')}`;
