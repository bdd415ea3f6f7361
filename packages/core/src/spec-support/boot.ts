import type { INestApplicationContext, Provider, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { QueueDriver } from '../driver/queue-driver.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { JobsModuleOptions } from '../module/jobs-options.interface.js';

/** Boots a real Nest application context with JobsModule and the given providers. Spec support only. */
export async function bootJobsApp(
  providers: Provider[],
  options: Partial<JobsModuleOptions> = {},
): Promise<{ app: INestApplicationContext; driver: QueueDriver }> {
  const driver = options.driver ?? new MemoryDriver();
  @Module({ imports: [JobsModule.forRoot({ shutdownTimeout: 2_000, ...options, driver })], providers })
  class SpecAppModule {}
  const app = await NestFactory.createApplicationContext(SpecAppModule as Type, { logger: false, abortOnError: false });
  return { app, driver };
}

/** Polls until `check` is true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
