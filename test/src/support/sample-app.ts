import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobEvents, JobsAdmin, MemoryDriver, getProducerToken, type Producer } from '@nest-jobs/core';
import request from 'supertest';
import { AppModule, type AppModuleOptions } from '../../../sample-app/dist/app.module.js';
import { CaptureLogger } from './capture-logger.js';
import { recordEvents } from './wait.js';

export interface SampleApp {
  app: INestApplication;
  driver: MemoryDriver;
  admin: JobsAdmin;
  events: ReturnType<typeof recordEvents>;
  logs: CaptureLogger;
  /** supertest against the listening server. */
  http(): ReturnType<typeof request>;
  producer<T>(jobsClass: abstract new (...args: never[]) => T): Producer<T>;
  close(): Promise<void>;
}

/**
 * The sample app as main.ts builds it, on a fresh MemoryDriver, listening on
 * an ephemeral port, with logs captured and every job event recorded.
 */
export async function bootSampleApp(options: Partial<AppModuleOptions> = {}): Promise<SampleApp> {
  const driver = options.driver instanceof MemoryDriver ? options.driver : new MemoryDriver();
  const logs = new CaptureLogger();
  const app = await NestFactory.create(AppModule.register({ shutdownTimeout: 2_000, ...options, driver }), {
    logger: logs,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const events = recordEvents(app.get(JobEvents));
  let closed = false;
  return {
    app,
    driver,
    admin: app.get(JobsAdmin),
    events,
    logs,
    http: () => request(app.getHttpServer()),
    producer: <T>(jobsClass: abstract new (...args: never[]) => T) => app.get<string, Producer<T>>(getProducerToken(jobsClass as never)),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close(); // in-flight jobs settle first, their events still recorded
      events.stop();
    },
  };
}
