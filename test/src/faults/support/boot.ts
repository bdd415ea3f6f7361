import { Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobsModule, MemoryDriver, type JobsModuleOptions } from '@nest-jobs/core';

/** Boots a Nest application context with JobsModule over the given providers. */
export async function bootJobsApp(providers: Type[], options: Partial<JobsModuleOptions> = {}): Promise<INestApplicationContext> {
  @Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 500, ...options } as JobsModuleOptions)], providers })
  class FaultAppModule {}
  return NestFactory.createApplicationContext(FaultAppModule, { logger: false, abortOnError: false });
}

/** The error bootstrap fails with; throws if the app boots. */
export async function bootstrapError(providers: Type[], options: Partial<JobsModuleOptions> = {}): Promise<Error> {
  let app: INestApplicationContext;
  try {
    app = await bootJobsApp(providers, options);
  } catch (error) {
    return error as Error;
  }
  await app.close();
  throw new Error(`Bootstrap of ${providers.map((provider) => provider.name).join(', ')} succeeded; expected an error`);
}

/** The rejection of `promise`; throws if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => { throw new Error('expected a rejection'); },
    (error: unknown) => error as Error,
  );
}
