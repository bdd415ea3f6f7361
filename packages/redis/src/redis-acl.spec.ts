import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeDriverConformance } from '@nest-jobs/core/conformance';
import { Redis } from 'ioredis';
import { redisAclRules } from './acl.js';
import { RedisDriver } from './redis.driver.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// Runs the driver as a user holding exactly the documented ACL: a command or
// key the rules forgot fails the suite, and ACL LOG names it.
const prefix = `acl${process.pid}`;
let server: RedisServerHandle | undefined;
let admin: Redis | undefined;
const warnings: string[] = [];
const userUrl = (): string => `redis://nestjobs:secret@127.0.0.1:${server!.port}`;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  await admin.call('ACL', 'SETUSER', 'nestjobs', 'on', '>secret', ...redisAclRules(prefix));
  await admin.call('ACL', 'LOG', 'RESET');
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

describeDriverConformance('RedisDriver as a least-privilege ACL user', () => new RedisDriver({ url: userUrl(), prefix, logger: { warn: (message) => warnings.push(message) } }));

describe('the least-privilege ACL', () => {
  it('was enough for the whole conformance suite: nothing was denied and nothing warned', async () => {
    expect(await admin!.call('ACL', 'LOG')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('really confines the user to its prefix and its commands', async () => {
    const user = new Redis(userUrl());
    try {
      await expect(user.set('other:key', '1')).rejects.toThrow(/NOPERM/);
      await expect(user.zcard(`{not${prefix}:q}:waiting`)).rejects.toThrow(/NOPERM/);
      await expect(user.eval("return redis.call('SET', KEYS[1], '1')", 1, 'other:key')).rejects.toThrow(/NOPERM|permission/i);
      await expect(user.flushall()).rejects.toThrow(/NOPERM/);
      await expect(user.config('GET', 'requirepass')).rejects.toThrow(/NOPERM/);
      await expect(user.publish('anything', 'x')).rejects.toThrow(/NOPERM/);
      expect(await user.zcard(`{${prefix}:q}:waiting`)).toBe(0);
      expect(await admin!.exists('other:key')).toBe(0);
    } finally {
      user.disconnect();
    }
  });
});
