import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeDriverConformance } from '@nest-jobs/core/conformance';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// A TLS-only server with a certificate signed by a throwaway CA: the client
// verifies the chain and the hostname exactly as it would in production.
const prefix = `tls${process.pid}`;
let server: RedisServerHandle | undefined;

beforeAll(async () => {
  server = await startRedisServer({ tls: true });
});
afterAll(async () => {
  await server?.stop();
});

describeDriverConformance('RedisDriver over TLS (rediss://, verified certificate)', () => new RedisDriver({ url: server!.url, prefix, connection: { tls: { ca: server!.ca } } }));

describe('RedisDriver over TLS', () => {
  it('connects with a rediss:// url and the CA certificate', () => {
    expect(server!.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a server certificate no trusted CA signed, naming the target', async () => {
    const driver = new RedisDriver({ url: server!.url, prefix, commandTimeoutMs: 1_000 });
    try {
      const opening = driver.open();
      await expect(opening).rejects.toThrow(`rediss://127.0.0.1:${server!.port}`);
      await expect(opening).rejects.toThrow(/certificate/);
    } finally {
      await driver.close();
    }
  });
});
