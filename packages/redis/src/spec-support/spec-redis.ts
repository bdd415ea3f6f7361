import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisDriver } from '../redis.driver.js';
import { startRedisServer, type RedisServerHandle } from '../testing/index.js';

/** A spec file's own redis-server, a raw client on it, and the drivers it opened. Spec support only. */
export interface SpecRedis {
  url(): string;
  /** For reading and damaging keys directly. */
  raw(): Redis;
  /** An opened RedisDriver on the server, closed after the file. */
  openDriver(prefix: string): Promise<RedisDriver>;
}

/** Starts the server before the file's tests; closes drivers, client and server, in that order, after them. */
export function useSpecRedis(): SpecRedis {
  let server: RedisServerHandle | undefined;
  let raw: Redis | undefined;
  const drivers: RedisDriver[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url);
  });
  afterAll(async () => {
    await Promise.all(drivers.map((driver) => driver.close()));
    raw?.disconnect();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the spec redis-server is not started yet (use it inside tests or hooks)');
    return value;
  };
  return {
    url: () => started(server).url,
    raw: () => started(raw),
    openDriver: async (prefix) => {
      const driver = new RedisDriver({ url: started(server).url, prefix });
      drivers.push(driver);
      await driver.open();
      return driver;
    },
  };
}
