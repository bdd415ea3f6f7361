import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { ChildApp } from './support/child-app.js';

const LIFECYCLE_APP = fileURLToPath(new URL('./support/lifecycle-app.js', import.meta.url));
/** How long a process that released everything may take to end (generous: a loaded CI machine). */
const EXIT_BOUND_MS = 5_000;

// A throwaway redis-server on a free port: never the machine's own Redis.
let redis: RedisServerHandle;
const children: ChildApp[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
}, 20_000);
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
});
afterAll(async () => {
  await redis?.stop();
});

function start(scenario: string, prefix = `life-${randomUUID().slice(0, 8)}`): ChildApp {
  const child = new ChildApp({ SCENARIO: scenario, REDIS_URL: redis.url, JOBS_PREFIX: prefix }, LIFECYCLE_APP);
  children.push(child);
  return child;
}

/** Resolves true if the child ends by itself within `ms`. */
async function exitsWithin(child: ChildApp, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([child.exited.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a process whose bootstrap failed ends by itself (RedisDriver)', () => {
  it.each([
    ['NestFactory.createApplicationContext', 'bad-cron'],
    ['Test.createTestingModule().compile() + init()', 'bad-cron-testing'],
  ])('a bad @Cron rejects %s with a JobsConfigurationError, and nothing keeps the process alive', async (_entry, scenario) => {
    const child = start(scenario);
    await child.waitFor('rejected:');
    expect(child.output).toContain('rejected: JobsConfigurationError: Schedule "BadCronJobs.nightly": invalid cron expression "not a cron"');
    expect(await exitsWithin(child, EXIT_BOUND_MS)).toBe(true);
  });

  it('another provider\'s onApplicationBootstrap throws: no worker runs the jobs enqueued afterwards, and the process ends', async () => {
    const prefix = `life-${randomUUID().slice(0, 8)}`;
    const child = start('failing-bootstrap', prefix);
    await child.waitFor('rejected:');
    expect(child.output).toContain('rejected: Error: FailingBootstrap: no config');
    const producer = new RedisDriver({ url: redis.url, prefix });
    try {
      const now = Date.now();
      await producer.enqueue(Array.from({ length: 20 }, (_, index) => ({
        id: `after-${index}`, queue: 'default', name: 'EchoJobs.echo', payload: JSON.stringify(`after-${index}`),
        runAt: now, enqueuedAt: now, priority: 0, maxAttempts: 1,
      })));
      expect(await exitsWithin(child, EXIT_BOUND_MS)).toBe(true);
      expect(child.output).not.toContain('ran after-');
      expect((await producer.counts('default')).waiting).toBe(20);
    } finally {
      await producer.close();
    }
  });
});

describe('app.close() leaves nothing behind', () => {
  it('after a JobEvents subscription, the process ends within 1 s of close()', async () => {
    const child = start('events-close');
    await child.waitFor('closed at');
    const closedAt = Number(/closed at (\d+)/.exec(child.output)![1]);
    expect(await exitsWithin(child, EXIT_BOUND_MS)).toBe(true);
    expect(child.exitedAt! - closedAt).toBeLessThan(1_000);
  });
});
