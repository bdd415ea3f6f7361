import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { createClient, type AnyClient } from './connection.js';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

/** Keeps Redis busy for `ms` inside one script: it answers nobody meanwhile. */
const BUSY = `local t = redis.call('TIME') local start = t[1] * 1000000 + t[2]
repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - start >= tonumber(ARGV[1]) * 1000
return ARGV[1]`;

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* no timers, no I/O */ }
}

let server: RedisServerHandle;
const clients: AnyClient[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  clients.forEach((client) => client.disconnect());
  await server.stop();
});

async function connect(commandTimeoutMs: number): Promise<Redis> {
  const { client } = createClient({ url: server.url, commandTimeoutMs });
  clients.push(client);
  await client.connect();
  return client as Redis;
}

describe('command timeouts measure silence from Redis, not this process', () => {
  it('reads a reply that arrived while this process blocked its own event loop, instead of timing it out', async () => {
    const client = await connect(1_000);
    const pong = client.ping();
    blockEventLoop(2_500);
    await expect(pong).resolves.toBe('PONG');
  });

  it('lets a driver call in flight during a stall succeed (it failed "Redis unreachable" with a per-command timer)', async () => {
    const driver = new RedisDriver({ url: server.url, prefix: 'stall', commandTimeoutMs: 1_000 });
    await driver.open();
    try {
      const read = driver.getJob('q', 'missing');
      // Microtasks only (no I/O turn): the call reaches the socket, its reply cannot be read yet.
      for (let turn = 0; turn < 50; turn++) await Promise.resolve();
      blockEventLoop(2_500);
      await expect(read).resolves.toBeNull();
    } finally {
      await driver.close();
    }
  });

  it('does not time out the tail of a deep pipeline while Redis is still answering the head', async () => {
    const client = await connect(1_000);
    // Redis reads a client's pipeline 16 KB at a time and writes replies between reads: padded
    // commands come back one by one, as the tail of a long pipeline of small commands does.
    const padding = 'x'.repeat(20_000);
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 8 }, () => client.eval(BUSY, 0, '200', padding)));
    expect(replies).toEqual(Array.from({ length: 8 }, () => '200'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500); // the last reply came well after 1,000 ms
  });

  it('fails pending commands, naming the silence, when Redis stops answering, and works again after', async () => {
    const client = await connect(1_000);
    const other = await connect(10_000);
    const busy = other.eval(BUSY, 0, '4000');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await expect(client.ping()).rejects.toThrow('Command timed out: Redis sent no reply for 1000 ms');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(3_500);
    await busy;
    await expect(client.ping()).resolves.toBe('PONG');
  });
});
