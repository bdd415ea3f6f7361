import { afterAll, beforeAll } from '@jest/globals';
import { describeDriverConformance } from '@nest-jobs/core/conformance';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

let server: RedisServerHandle | undefined;
const externalUrl = process.env.REDIS_URL;
const prefix = `conf${process.pid}`;

beforeAll(async () => {
  if (!externalUrl) server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describeDriverConformance('RedisDriver', () => new RedisDriver({ url: externalUrl ?? server!.url, prefix }));
