import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { JobState, NewJob } from '@nest-jobs/core/driver';
import { completeScript } from './lua/worker.scripts.js';
import { enqueueBlockedScript } from './lua/dependency.scripts.js';
import { scriptArgv } from './queue-script.js';
import { RedisDriver } from './redis.driver.js';
import { defineScripts, scriptsOf } from './scripts.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

// Crash safety of the hand-over between a dependency (queue "parts") and its dependent (queue "merge"):
// the scripts are run here by hand, as a process would that died right after them.

let server: RedisServerHandle;
let raw: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
  defineScripts(raw);
});
afterAll(async () => {
  raw.disconnect();
  await server.stop();
});

let prefixes = 0;
const job = (queue: string, overrides: Partial<NewJob> = {}): NewJob => {
  const now = Date.now();
  return { id: `${queue}-${Math.random().toString(36).slice(2)}`, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: now, enqueuedAt: now, ...overrides };
};
const driverOn = async (prefix: string): Promise<RedisDriver> => {
  const driver = new RedisDriver({ url: server.url, prefix, logger: { warn: () => undefined } });
  await driver.open();
  return driver;
};
async function stateBecomes(driver: RedisDriver, queue: string, id: string, state: JobState, timeoutMs: number): Promise<number> {
  const began = Date.now();
  while ((await driver.getJob(queue, id))?.state !== state) {
    if (Date.now() - began > timeoutMs) throw new Error(`job ${id} is ${(await driver.getJob(queue, id))?.state}, not ${state}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - began;
}

describe('RedisDriver job dependencies after a crash', () => {
  it('unblocks a dependent when the worker that completed its dependency died before the hand-over: another worker sweeps it', async () => {
    const prefix = `deps${++prefixes}`;
    const producer = await driverOn(prefix);
    const part = job('parts');
    const merge = job('merge', { dependsOn: [{ queue: 'parts', id: part.id }] });
    await producer.enqueue([part]);
    await producer.enqueue([merge]);
    const [leased] = await producer.fetch('parts', { max: 1, leaseMs: 60_000 });
    await producer.close();
    // The dying worker: complete.lua ran (the hand-over record is written in the same script), nothing after it.
    const keys = producer.keys;
    const reply = await scriptsOf(raw).njComplete(...scriptArgv(completeScript, keys, 'parts', [{ id: part.id, token: leased!.token, result: '{"rows":1}' }]));
    expect(reply).toEqual([1, 1]);
    expect(await raw.hlen(keys.dependency('parts', 'handover'))).toBe(1);
    expect((await raw.hget(keys.key('merge', 'v2:jobs'), merge.id))!.startsWith('b')).toBe(true);

    const survivor = await driverOn(prefix);
    try {
      await survivor.fetch('parts', { max: 1, leaseMs: 1_000 }); // a worker of that queue, idle
      const took = await stateBecomes(survivor, 'merge', merge.id, 'waiting', 5_000);
      expect(took).toBeLessThan(3_000);
      expect(await raw.hlen(keys.dependency('parts', 'handover'))).toBe(0);
      expect(await survivor.dependencies('merge', merge.id)).toEqual([{ queue: 'parts', id: part.id, outcome: 'completed', result: '{"rows":1}' }]);
    } finally {
      await survivor.close();
    }
  });

  it('registers a blocked job whose producer died before registering it with its dependencies', async () => {
    const prefix = `deps${++prefixes}`;
    const driver = await driverOn(prefix);
    try {
      const part = job('parts');
      await driver.enqueue([part]);
      // The dying producer wrote the blocked job (long enough ago to be past the sweep's grace), and nothing else.
      const orphan = job('merge', { dependsOn: [{ queue: 'parts', id: part.id }], enqueuedAt: Date.now() - 60_000 });
      await scriptsOf(raw).njEnqueueBlocked(...scriptArgv(enqueueBlockedScript, driver.keys, 'merge', [orphan]));
      const [leased] = await driver.fetch('parts', { max: 1, leaseMs: 60_000 });
      await driver.complete('parts', [{ id: part.id, token: leased!.token, result: '2' }]);
      expect((await driver.getJob('merge', orphan.id))!.state).toBe('blocked');
      await driver.fetch('merge', { max: 1, leaseMs: 1_000 }); // a worker of the dependent's queue sweeps it
      await stateBecomes(driver, 'merge', orphan.id, 'waiting', 20_000);
      expect((await driver.dependencies('merge', orphan.id))![0]).toMatchObject({ outcome: 'completed', result: '2' });
    } finally {
      await driver.close();
    }
  }, 30_000);

  it('drops a dependent\'s dependencies hash with it, and lets a kept completed one expire', async () => {
    const prefix = `deps${++prefixes}`;
    const driver = await driverOn(prefix);
    try {
      const part = job('parts');
      const [kept, dropped, removed] = ['kept', 'dropped', 'removed'].map((name) => job('merge', { id: name, dependsOn: [{ queue: 'parts', id: part.id }] }));
      await driver.enqueue([part]);
      await driver.enqueue([kept!, dropped!, removed!]);
      const [leasedPart] = await driver.fetch('parts', { max: 1, leaseMs: 60_000 });
      await driver.complete('parts', [{ id: part.id, token: leasedPart!.token, result: '1' }]);
      await stateBecomes(driver, 'merge', 'kept', 'waiting', 5_000);
      await stateBecomes(driver, 'merge', 'removed', 'waiting', 5_000);
      expect(await driver.remove('merge', 'removed')).toBe(true);
      const leased = await driver.fetch('merge', { max: 10, leaseMs: 60_000 });
      await driver.complete('merge', leased.map((item) => ({ id: item.id, token: item.token, result: '2', retention: item.id === 'dropped' ? true : undefined })));
      const deps = (id: string): string => driver.keys.dependency('merge', `deps:${id}`);
      expect(await raw.exists(deps('dropped'), deps('removed'))).toBe(0);
      const ttl = await raw.pttl(deps('kept'));
      expect(ttl).toBeGreaterThan(6 * 86_400_000);
      expect(await driver.dependencies('merge', 'kept')).toEqual([{ queue: 'parts', id: part.id, outcome: 'completed', result: '1' }]);
    } finally {
      await driver.close();
    }
  });

  it('adds one EXISTS per completion batch on a queue where no job has dependents, and writes nothing for them', async () => {
    const prefix = `deps${++prefixes}`;
    const driver = await driverOn(prefix);
    const monitor = new Redis(server.url);
    try {
      const jobs = Array.from({ length: 20 }, () => job('plain'));
      await driver.enqueue(jobs);
      const leased = await driver.fetch('plain', { max: 20, leaseMs: 60_000 });
      const commands: string[] = [];
      const feed = await monitor.monitor();
      feed.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await driver.complete('plain', leased.map((item) => ({ id: item.id, token: item.token, result: 'null' })));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // (The periodic sweep's HSCAN of the handover hash runs outside complete, once a second per queue.)
      const fromComplete = commands.filter((command) => /v2:dependents/.test(command));
      expect(fromComplete).toEqual([`EXISTS {${prefix}:plain}:v2:dependents`]);
      feed.disconnect();
    } finally {
      monitor.disconnect();
      await driver.close();
    }
  });
});
