import { startRedisServer as startHarnessServer, type RedisServerHandle } from '@nest-jobs/redis/testing';

export type { RedisServerHandle };

/** A throwaway redis-server on a free loopback port, persistence off: the same harness the tests use. */
export function startRedisServer(): Promise<RedisServerHandle> {
  return startHarnessServer({ args: ['--loglevel', 'warning'] });
}
