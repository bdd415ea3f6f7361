import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { FetchOptions } from '../driver/queue-driver.interface.js';
import { getProducerToken } from './jobs.tokens.js';
import type { Producer } from '../producer/producer.interface.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';

const ran: string[] = [];

@Injectable()
class EchoJobs {
  @Job()
  async echo(payload: { tag: string }): Promise<void> {
    ran.push(payload.tag);
  }
}

/** A MemoryDriver that counts fetch calls, to see a worker spinning. */
class CountingDriver extends MemoryDriver {
  fetches = 0;
  override fetch(queue: string, options: FetchOptions): ReturnType<MemoryDriver['fetch']> {
    this.fetches++;
    return super.fetch(queue, options);
  }
}

const apps: INestApplicationContext[] = [];
const boot = async (driver: MemoryDriver): Promise<INestApplicationContext> => {
  const { app } = await bootJobsApp([EchoJobs], { driver });
  await app.init();
  apps.push(app);
  return app;
};
const producerOf = (app: INestApplicationContext): Producer<EchoJobs> => app.get(getProducerToken(EchoJobs));

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  ran.length = 0;
});

describe('one driver shared by several apps', () => {
  it('keeps serving the other apps when one closes, and does not spin', async () => {
    const driver = new CountingDriver();
    const [first, second] = [await boot(driver), await boot(driver)];
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    driver.fetches = 0;
    await sleep(500);
    // An idle worker parks in waitForWork: a handful of fetches at most, not thousands.
    expect(driver.fetches).toBeLessThan(10);

    await producerOf(second).enqueue('echo', { tag: 'after-close' });
    await eventually(() => ran.includes('after-close'), 3_000, 'the remaining app to run the job');
  });

  it('keeps jobs across a full close, for an app started again on the same driver', async () => {
    const driver = new MemoryDriver();
    const app = await boot(driver);
    await app.close();
    apps.splice(0);
    await driver.enqueue([{ id: 'left-over', queue: 'default', name: 'EchoJobs.echo', payload: '{"tag":"left-over"}', runAt: Date.now(), enqueuedAt: Date.now(), priority: 0, maxAttempts: 1 }]);
    await boot(driver);
    await eventually(() => ran.includes('left-over'), 3_000, 'the restarted app to run the left-over job');
  });

  it('says why, once a second, when the driver is closed under a running worker', async () => {
    const driver = new CountingDriver();
    await boot(driver);
    await driver.close();
    driver.fetches = 0;
    await sleep(1_500);
    expect(driver.fetches).toBeLessThanOrEqual(3);
    await expect(driver.fetch('default', { max: 1, leaseMs: 1_000 })).rejects.toThrow(/MemoryDriver: fetch from "default" after close\(\)/);
  });
});
