import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { Producer } from '../producer/producer.interface.js';
import { DRIVER_ROLE_TOKENS } from './driver-roles.tokens.js';
import { JobsModule } from './jobs.module.js';
import { JOBS_DRIVER, getProducerToken } from './jobs.tokens.js';

@Injectable()
class GreetJobs {
  @Job()
  async greet(name: string): Promise<string> {
    return `hello ${name}`;
  }
}

@Injectable()
class JobsSettings {
  readonly shutdownTimeout = 1_000;
  readonly driver = new MemoryDriver();
}

@Module({ providers: [JobsSettings], exports: [JobsSettings] })
class SettingsModule {}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(moduleClass: new () => unknown): Promise<INestApplicationContext> {
  app = await NestFactory.createApplicationContext(moduleClass, { logger: false, abortOnError: false });
  return app;
}

describe('JobsModule', () => {
  it('takes its options from forRootAsync({ imports, inject, useFactory })', async () => {
    @Module({
      imports: [
        JobsModule.forRootAsync({
          imports: [SettingsModule],
          inject: [JobsSettings],
          useFactory: (settings: JobsSettings) => ({ driver: settings.driver, shutdownTimeout: settings.shutdownTimeout }),
        }),
      ],
      providers: [GreetJobs],
    })
    class AsyncAppModule {}
    const context = await boot(AsyncAppModule);
    const producer = context.get<Producer<GreetJobs>>(getProducerToken(GreetJobs));
    expect(await (await producer.enqueue('greet', 'ada')).result({ timeout: 2_000 })).toBe('hello ada');
  });

  it('provides every driver role token from the one driver object', async () => {
    const driver = new MemoryDriver();
    @Module({ imports: [JobsModule.forRoot({ driver })] })
    class RolesAppModule {}
    const context = await boot(RolesAppModule);
    expect(context.get(JOBS_DRIVER, { strict: false })).toBe(driver);
    for (const token of DRIVER_ROLE_TOKENS) expect(context.get(token, { strict: false })).toBe(driver);
  });

  it('says what forRootAsync needs when it gets no factory', () => {
    expect(() => JobsModule.forRootAsync({})).toThrow('JobsModule.forRootAsync needs useFactory, useClass or useExisting');
  });

  it('fails bootstrap with a clear message when the factory returns no driver', async () => {
    @Module({ imports: [JobsModule.forRootAsync({ useFactory: () => ({}) as never })], providers: [GreetJobs] })
    class NoDriverModule {}
    await expect(boot(NoDriverModule)).rejects.toThrow('JobsModule.forRoot: `driver` is required');
  });

  it('provides a producer through forFeature for a feature module', async () => {
    @Module({ imports: [JobsModule.forFeature([GreetJobs])], providers: [GreetJobs], exports: [GreetJobs] })
    class GreetModule {}
    @Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver() }), GreetModule] })
    class FeatureAppModule {}
    const context = await boot(FeatureAppModule);
    const producer = context.get<Producer<GreetJobs>>(getProducerToken(GreetJobs), { strict: false });
    expect(await (await producer.enqueue('greet', 'bob')).result({ timeout: 2_000 })).toBe('hello bob');
  });
});
