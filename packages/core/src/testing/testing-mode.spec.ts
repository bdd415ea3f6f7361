import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Every } from '../decorators/every.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { QueueDriver } from '../driver/queue-driver.interface.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import { DRIVER_ROLE_TOKENS } from '../module/driver-roles.tokens.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JobsModule } from '../module/jobs.module.js';
import type { JobsModuleOptions } from '../module/jobs-options.interface.js';
import { JobsTester } from './jobs-tester.js';

@Injectable()
class PingJobs {
  @Job()
  ping(): string {
    return 'pong';
  }

  @Every('1s')
  heartbeat(): void {}
}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(options: JobsModuleOptions): Promise<INestApplicationContext> {
  @Module({ imports: [JobsModule.forRoot(options)], providers: [PingJobs] })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule as Type, { logger: false, abortOnError: false });
  return app;
}

describe('testing mode options', () => {
  it('refuses a driver other than MemoryDriver at bootstrap, naming it', async () => {
    const redisLike = { kind: 'redis', enqueue: () => Promise.resolve([]) } as unknown as QueueDriver;
    await expect(boot({ driver: redisLike, testing: true })).rejects.toThrow(
      'JobsModule.forRoot: testing mode runs on a MemoryDriver only (got the "redis" driver).',
    );
  });

  it('refuses a MemoryDriver that brings its own clock: the tester owns it', async () => {
    await expect(boot({ driver: new MemoryDriver({ now: () => 0 }), testing: true })).rejects.toThrow(
      'testing mode owns the clock, but this MemoryDriver was given its own `now` option',
    );
  });

  it.each<[unknown, string]>([
    ['yes', 'JobsModule.forRoot: testing must be true, false or { startAt?, maxDrainRounds? } (got "yes").'],
    [{ startAt: 'monday' }, 'JobsModule.forRoot: testing.startAt must be a valid Date or epoch ms (got "monday").'],
    [{ startAt: new Date('nope') }, 'JobsModule.forRoot: testing.startAt must be a valid Date or epoch ms'],
    [{ maxDrainRounds: 0 }, 'JobsModule.forRoot: testing.maxDrainRounds must be an integer ≥ 1 (got 0).'],
  ])('validates testing: %j', (testing, message) => {
    const build = (): JobsConfig => new JobsConfig({ driver: new MemoryDriver(), testing } as JobsModuleOptions, {});
    expect(build).toThrow(JobsConfigurationError);
    expect(build).toThrow(message);
  });

  it('takes testing: false as off, and leaves the driver roles as the one driver object', async () => {
    const driver = new MemoryDriver();
    expect(new JobsConfig({ driver, testing: false }, {}).testing).toBeUndefined();
    const context = await boot({ driver, testing: false });
    for (const token of DRIVER_ROLE_TOKENS) expect(context.get(token, { strict: false })).toBe(driver);
    expect(() => context.get(JobsTester).now()).toThrow(
      'JobsTester.now() needs testing mode: JobsModule.forRoot({ driver: new MemoryDriver(), testing: true }).',
    );
  });
});

describe('JobsTester misuse', () => {
  it('says to init the app when drain() comes before bootstrap', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: true })],
      providers: [PingJobs],
    }).compile();
    await expect(moduleRef.get(JobsTester).drain()).rejects.toThrow('Call `await moduleRef.init()` (or `app.init()`) first.');
    await moduleRef.close();
  });

  it('refuses a second drain() while one runs', async () => {
    const context = await boot({ driver: new MemoryDriver(), testing: true });
    const jobs = context.get(JobsTester);
    const first = jobs.advance('1m');
    await expect(jobs.drain()).rejects.toThrow('another drain(), advance() or reset() is still running');
    expect((await first).completed).toHaveLength(60);
  });
});
