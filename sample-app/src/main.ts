import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { driverFromEnv, jobsOptionsFromEnv } from './jobs.config.js';

const logger = new Logger('SampleApp');

/**
 * JOBS_MODE=worker: consume jobs and run schedules, no HTTP server.
 * Otherwise (all, producer): HTTP on PORT; `producer` only enqueues.
 */
async function bootstrap(): Promise<void> {
  const mode = process.env.JOBS_MODE?.trim() || 'all';
  const { driver, description } = driverFromEnv();
  logger.log(`nest-jobs: ${description}, mode ${mode}`);
  const appModule = AppModule.register({ driver, ...jobsOptionsFromEnv() });

  if (mode === 'worker') {
    const app = await NestFactory.createApplicationContext(appModule, { abortOnError: false });
    app.enableShutdownHooks();
    logger.log('Worker started: consuming jobs and running schedules, no HTTP server');
    return;
  }

  const port = parsePort(process.env.PORT);
  const app = await NestFactory.create(appModule, { abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(port);
  logger.log(`HTTP on port ${port}: POST /signup, /reports, /payments; GET /reports/:id, /health`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be an integer from 0 to 65535 (got "${value}").`);
  return port;
}

bootstrap().catch((error: unknown) => {
  logger.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
