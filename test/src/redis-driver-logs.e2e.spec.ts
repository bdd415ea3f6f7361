import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobsModule } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { CaptureLogger } from './support/capture-logger.js';

// The driver's warnings (here: a maxmemory-policy that may evict jobs) reach the app's Nest logger,
// formatted like every other line, not console.warn.

let server: RedisServerHandle | undefined;
let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  await server?.stop();
  app = server = undefined;
  jest.restoreAllMocks();
});

async function boot(driver: RedisDriver, logs: CaptureLogger): Promise<void> {
  @Module({ imports: [JobsModule.forRoot({ driver, mode: 'producer' })] })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: logs, abortOnError: false });
  await app.init();
}

describe('RedisDriver warnings in a Nest app', () => {
  it('go through the app\'s logger (context JobsDriver), not console.warn', async () => {
    server = await startRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logs = new CaptureLogger();
    await boot(new RedisDriver({ url: server.url, prefix: 'logs' }), logs);
    expect(logs.find('JobsDriver', 'maxmemory-policy is "allkeys-lru"')).toEqual([expect.objectContaining({ level: 'warn' })]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it('go to the logger the driver was given, when it was given one', async () => {
    server = await startRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    const own: string[] = [];
    const logs = new CaptureLogger();
    await boot(new RedisDriver({ url: server.url, prefix: 'logs', logger: { warn: (message) => own.push(message) } }), logs);
    expect(own).toEqual([expect.stringContaining('maxmemory-policy is "allkeys-lru"')]);
    expect(logs.find('JobsDriver')).toEqual([]);
  });
});
