import { afterAll, beforeAll } from '@jest/globals';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { Redis } from 'ioredis';

/** A harness redis-server for the spec file (never the machine's Redis), stopped after it. */
export function useRedisServer(args: string[] = []): () => RedisServerHandle {
  let server: RedisServerHandle | undefined;
  beforeAll(async () => {
    server = await startRedisServer({ args });
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server not started yet');
    return server;
  };
}

/** A raw client for poking at keys directly; the caller disconnects it. */
export function rawClient(server: RedisServerHandle): Redis {
  return new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
}

let prefixCounter = 0;
/** A prefix unique to this process and call, so tests sharing a server never meet. */
export function uniquePrefix(label: string): string {
  return `f${process.pid}-${label}-${++prefixCounter}`;
}
