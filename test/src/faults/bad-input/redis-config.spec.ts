import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Job, getProducerToken, type Producer } from '@nest-jobs/core';
import { RedisDriver, RedisUnavailableError } from '@nest-jobs/redis';
import { freePort, startRedisServer } from '@nest-jobs/redis/testing';
import { recordFault } from '../support/results.js';
import { bootJobsApp, rejectionOf } from '../support/boot.js';

@Injectable() class UnreachableJobs { @Job() send(): void {} }

/** What `new RedisDriver({ url: process.env.REDIS_URL })` throws, as an app would build it. */
function constructionError(url: string | undefined, prefix?: string): Error {
  try {
    new RedisDriver({ url, prefix });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`new RedisDriver({ url: ${JSON.stringify(url)} }) succeeded`);
}

describe('a bad REDIS_URL or prefix fails at construction, naming the value', () => {
  it.each<[string, string]>([
    ['an empty REDIS_URL', ''],
    ['a URL without scheme', 'localhost:6379'],
    ['an http URL', 'http://127.0.0.1:6379'],
    ['a scheme with nothing after it', 'redis://'],
  ])('%s', (_case, url) => {
    const error = constructionError(url);
    expect(error.message).toBe(`RedisDriver: url must start with redis:// or rediss:// (got ${JSON.stringify(url)}).`);
  });

  it.each([['a prefix with a brace', 'app}'], ['an empty prefix', ''], ['a prefix with a space', 'my app']])('%s', (_case, prefix) => {
    expect(constructionError(undefined, prefix).message).toContain(`RedisDriver: prefix must be 1–64 characters of letters, digits, "_", ".", ":" or "-" (got ${JSON.stringify(prefix)}).`);
  });

  it('a driver call with a queue name that would break the hash tag names the queue', () => {
    const driver = new RedisDriver({ url: 'redis://127.0.0.1:1' });
    expect(() => driver.keys.queueKeys('a}b')).toThrow('RedisDriver: queue name "a}b" is invalid: use 1–100 characters without "{", "}", whitespace or control characters.');
  });
});

describe('an unreachable Redis', () => {
  it('fails bootstrap within 2 s naming where it tried, never the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const driver = new RedisDriver({ url: `redis://app:s3cret@127.0.0.1:${port}` });
    const error = await rejectionOf(bootJobsApp([UnreachableJobs], { driver }));
    await driver.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect(error.message).toContain(`Redis unreachable at redis://127.0.0.1:${port}`);
    expect(error.message).not.toContain('s3cret');
  });

  it('fails a producer within 2 s once Redis goes away, and still lets the app close', async () => {
    const server = await startRedisServer();
    try {
      const app = await bootJobsApp([UnreachableJobs], { driver: new RedisDriver({ url: server.url }) });
      const producer = app.get<Producer<UnreachableJobs>>(getProducerToken(UnreachableJobs));
      await producer.enqueue('send', undefined as never);
      await server.kill('SIGKILL');
      const started = Date.now();
      const error = await rejectionOf(producer.enqueue('send', undefined as never));
      const failedAfterMs = Date.now() - started;
      expect(failedAfterMs).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error.message).toContain(`Redis unreachable at redis://127.0.0.1:${server.port}`);
      const closing = Date.now();
      await app.close();
      const closeMs = Date.now() - closing;
      expect(closeMs).toBeLessThan(5_000);
      recordFault({ fault: 'Redis unreachable: producer error / app close', runs: 1, jobs: 1, lost: 0, duplicates: 0, recoveryMs: failedAfterMs, note: `close ${closeMs} ms` });
    } finally {
      await server.stop();
    }
  });
});
