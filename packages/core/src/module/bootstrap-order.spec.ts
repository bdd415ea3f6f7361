import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { Producer } from '../producer/producer.interface.js';
import { eventually, sleep } from '../spec-support/boot.js';
import { JobsModule } from './jobs.module.js';

const timeline: string[] = [];

@Injectable()
class OrderedJobs {
  @Job()
  mark(tag: string): void {
    timeline.push(`ran ${tag}`);
  }
}

/** Enqueues at once, then takes ~500 ms more to get ready. */
@Injectable()
class SlowWarmup implements OnApplicationBootstrap {
  constructor(@InjectProducer(OrderedJobs) private readonly producer: Producer<OrderedJobs>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.enqueue('mark', 'early');
    await sleep(500);
    timeline.push('warmup done');
  }
}

@Module({ providers: [SlowWarmup] })
class WarmupModule {}

@Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 500 }), WarmupModule], providers: [OrderedJobs] })
class SlowAppModule {}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  timeline.length = 0;
});

const entryPoints: Array<[string, () => Promise<INestApplicationContext>]> = [
  ['NestFactory.createApplicationContext', () => NestFactory.createApplicationContext(SlowAppModule, { logger: false, abortOnError: false })],
  ['NestFactory.create (HTTP) + init()', async () => (await NestFactory.create(SlowAppModule, { logger: false, abortOnError: false })).init()],
  ['Test.createTestingModule().createNestApplication() + init()', async () => {
    const testing = await Test.createTestingModule({ imports: [SlowAppModule] }).compile();
    return testing.createNestApplication({ logger: false }).init();
  }],
];

describe('workers start once the whole application has bootstrapped', () => {
  it.each(entryPoints)('%s: a job enqueued during another provider\'s onApplicationBootstrap runs only after that hook finished', async (_entry, boot) => {
    app = await boot();
    await eventually(() => timeline.includes('ran early'), 5_000, 'the early job to run');
    expect(timeline).toEqual(['warmup done', 'ran early']);
  });

  it('never runs a job after another provider\'s onApplicationBootstrap threw', async () => {
    let captured: Producer<OrderedJobs> | undefined;
    @Injectable()
    class BrokenStartup implements OnApplicationBootstrap {
      constructor(@InjectProducer(OrderedJobs) private readonly producer: Producer<OrderedJobs>) {}
      onApplicationBootstrap(): void {
        captured = this.producer;
        throw new Error('BrokenStartup: no config');
      }
    }
    @Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 500 })], providers: [OrderedJobs, BrokenStartup] })
    class BrokenAppModule {}

    await expect(NestFactory.createApplicationContext(BrokenAppModule, { logger: false, abortOnError: false })).rejects.toThrow('BrokenStartup: no config');
    for (let index = 0; index < 20; index++) await captured!.enqueue('mark', `after-${index}`);
    await sleep(500);
    expect(timeline).toEqual([]);
  });
});
