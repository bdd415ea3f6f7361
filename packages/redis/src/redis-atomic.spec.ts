import { beforeAll, describe, expect, it } from '@jest/globals';
import type { LeasedJob, NewJob } from '@nest-jobs/core/driver';
import { RedisKeyTypeError } from './redis-key-type.error.js';
import { RedisDriver } from './redis.driver.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

// Redis keeps a script's writes up to the command that fails. A queue key holding the wrong type
// (another program wrote it) must refuse the whole call before anything changed, naming key and queue.
const redis = useSpecRedis();
let driver: RedisDriver | undefined;
beforeAll(async () => {
  driver = await redis.openDriver('atom');
});

const job = (id: string, queue: string, extra: Partial<NewJob> = {}): NewJob => ({
  id, queue, name: 'n', payload: '{}', priority: 0, maxAttempts: 3, runAt: Date.now(), enqueuedAt: Date.now(), ...extra,
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function leased(queue: string, leaseMs = 60_000): Promise<LeasedJob> {
  await driver!.enqueue([job('a', queue), job('b', queue)]);
  const [lease] = await driver!.fetch(queue, { max: 1, leaseMs });
  return lease!;
}

interface Case {
  setup(queue: string): Promise<LeasedJob | undefined>;
  call(queue: string, lease: LeasedJob | undefined): Promise<unknown>;
  /** The queue's keys (after `{prefix:queue}:`) the call writes or reads first. */
  keys: string[];
}

const cases: Record<string, Case> = {
  'enqueue (waiting)': {
    setup: async (queue) => { await driver!.enqueue([job('old', queue)]); return undefined; },
    call: (queue) => driver!.enqueue([job('new', queue)]),
    keys: ['v2:jobs', 'v2:waiting:0', 'v2:priorities', 'events', 'marker'],
  },
  'enqueue (delayed)': {
    setup: async (queue) => { await driver!.enqueue([job('old', queue)]); return undefined; },
    call: (queue) => driver!.enqueue([job('new', queue, { runAt: Date.now() + 60_000 })]),
    keys: ['v2:jobs', 'v2:delayed', 'seq', 'events', 'marker'],
  },
  'fetch': {
    setup: async (queue) => { await driver!.enqueue([job('a', queue), job('b', queue)]); return undefined; },
    call: (queue) => driver!.fetch(queue, { max: 1, leaseMs: 60_000 }),
    keys: ['v2:jobs', 'v2:priorities', 'v2:waiting:0', 'v2:delayed', 'v2:active', 'events', 'marker'],
  },
  'fetch (recovering an expired lease)': {
    setup: async (queue) => { await leased(queue, 100); await sleep(150); return undefined; },
    call: (queue) => driver!.fetch(queue, { max: 1, leaseMs: 60_000 }),
    keys: ['v2:jobs', 'v2:active', 'v2:waiting:0', 'v2:priorities', 'v2:dead', 'v2:errors', 'v2:finished', 'seq', 'events'],
  },
  'complete': {
    setup: (queue) => leased(queue),
    call: (queue, lease) => driver!.complete(queue, [{ id: lease!.id, token: lease!.token, result: '1' }]),
    keys: ['v2:jobs', 'v2:active', 'v2:completed', 'v2:results', 'v2:finished', 'events'],
  },
  'fail (retry later)': {
    setup: (queue) => leased(queue),
    call: (queue, lease) => driver!.fail(queue, [{ id: lease!.id, token: lease!.token, error: { message: 'x' }, retryAt: Date.now() + 60_000 }]),
    keys: ['v2:jobs', 'v2:active', 'v2:delayed', 'v2:dead', 'v2:errors', 'v2:finished', 'seq', 'events', 'marker'],
  },
  'extend': {
    setup: (queue) => leased(queue),
    call: (queue, lease) => driver!.extend(queue, [{ id: lease!.id, token: lease!.token }], 90_000),
    keys: ['v2:jobs', 'v2:active'],
  },
  'release': {
    setup: (queue) => leased(queue),
    call: (queue, lease) => driver!.release(queue, [{ id: lease!.id, token: lease!.token }]),
    keys: ['v2:jobs', 'v2:active', 'v2:waiting:0', 'v2:priorities', 'marker'],
  },
  'progress': {
    setup: (queue) => leased(queue),
    call: (queue, lease) => driver!.progress(queue, { id: lease!.id, token: lease!.token }, '50'),
    keys: ['v2:jobs', 'v2:progress', 'events'],
  },
  'retry (dead)': {
    setup: async (queue) => {
      const lease = await leased(queue);
      await driver!.fail(queue, [{ id: lease.id, token: lease.token, error: { message: 'x' } }]);
      return undefined;
    },
    call: (queue) => driver!.retry(queue, 'a'),
    keys: ['v2:jobs', 'v2:dead', 'v2:waiting:0', 'v2:priorities', 'events', 'marker'],
  },
  'remove': {
    setup: async (queue) => { await driver!.enqueue([job('a', queue)]); return undefined; },
    call: (queue) => driver!.remove(queue, 'a'),
    keys: ['v2:jobs', 'v2:waiting:0', 'v2:results', 'v2:errors', 'v2:progress'],
  },
  'resume': {
    setup: async (queue) => { await driver!.pause(queue); return undefined; },
    call: (queue) => driver!.resume(queue),
    keys: ['marker'],
  },
  'enqueueTick': {
    setup: async (queue) => { await driver!.enqueue([job('old', queue)]); return undefined; },
    call: (queue) => driver!.enqueueTick({ schedule: 's', tickAt: 1_000, overlap: true, job: job('cron:s:1000', queue) }),
    keys: ['v2:jobs', 'v2:waiting:0', 'v2:priorities', 'events', 'marker', 'schedule:s'],
  },
};

/** Every key of the queue with its DUMP: equal snapshots mean the call changed nothing. */
async function snapshot(queue: string): Promise<Record<string, string>> {
  const keys = (await redis.raw().keys(`{atom:${queue}}:*`)).sort();
  const dumps = await Promise.all(keys.map((key) => redis.raw().dumpBuffer(key)));
  return Object.fromEntries(keys.map((key, index) => [key, dumps[index]?.toString('hex') ?? 'none']));
}

let queueCounter = 0;
/** Keys holding an integer: a list and a non-number are both wrong. */
const COUNTERS = new Set(['seq', 'v2:finished']);
const rows = Object.entries(cases).flatMap(([script, spec]) => spec.keys.flatMap((name) => (
  COUNTERS.has(name) ? [[script, name, 'a list'], [script, name, 'text']] : [[script, name, 'a string']]
)));

describe('RedisDriver scripts are all or nothing when a key holds the wrong type', () => {
  it.each(rows)('%s with %s holding %s: refused naming the key and queue, nothing changed', async (script, name, value) => {
    const queue = `q${++queueCounter}`;
    const spec = cases[script]!;
    const lease = await spec.setup(queue);
    const key = `{atom:${queue}}:${name}`;
    await redis.raw().del(key);
    if (value === 'a list') await redis.raw().rpush(key, 'x');
    else await redis.raw().set(key, 'x');
    const before = await snapshot(queue);
    const error = await spec.call(queue, lease).then(() => undefined, (reason: unknown) => reason as Error);
    expect(error).toBeInstanceOf(RedisKeyTypeError);
    expect(error?.message).toContain(`on queue "${queue}": key "${key}"`);
    expect(error?.message).toContain('changed nothing');
    expect(await snapshot(queue)).toEqual(before);
  });
});
