import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Cron, Job, JobEvents, JobsModule, getProducerToken, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';

/**
 * A child process for the lifecycle spec: boots one SCENARIO on a RedisDriver
 * (REDIS_URL, JOBS_PREFIX), prints what happened, and never calls
 * process.exit: the spec checks that the process ends by itself.
 */
const scenario = process.env.SCENARIO;

@Injectable()
class EchoJobs {
  @Job()
  echo(tag: string): string {
    console.log(`ran ${tag}`);
    return tag;
  }
}

@Injectable()
class BadCronJobs {
  @Cron('not a cron')
  nightly(): void {}
}

@Injectable()
class FailingBootstrap implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    throw new Error('FailingBootstrap: no config');
  }
}

const driver = new RedisDriver({ url: process.env.REDIS_URL!, prefix: process.env.JOBS_PREFIX! });
const jobsModule = JobsModule.forRoot({ driver, shutdownTimeout: 500 });

@Module({ imports: [jobsModule], providers: [EchoJobs, BadCronJobs] })
class BadCronModule {}

@Module({ imports: [jobsModule], providers: [EchoJobs, FailingBootstrap] })
class FailingModule {}

@Module({ imports: [jobsModule], providers: [EchoJobs] })
class EchoModule {}

const contextOf = (module: new () => unknown): Promise<INestApplicationContext> =>
  NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });

async function run(): Promise<void> {
  if (scenario === 'bad-cron') await contextOf(BadCronModule);
  if (scenario === 'bad-cron-testing') {
    const testing = await Test.createTestingModule({ imports: [jobsModule], providers: [EchoJobs, BadCronJobs] }).compile();
    testing.useLogger(false);
    await testing.init();
  }
  if (scenario === 'failing-bootstrap') await contextOf(FailingModule);
  if (scenario === 'events-close') {
    const app = await contextOf(EchoModule);
    const completed = new Promise<void>((resolve) => {
      app.get(JobEvents).events$.subscribe((event) => event.type === 'completed' && resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the event reader is reading
    await app.get<Producer<EchoJobs>>(getProducerToken(EchoJobs)).enqueue('echo', 'with-events');
    await completed;
    await app.close();
    console.log(`closed at ${Date.now()}`);
  }
}

try {
  await run();
  console.log('booted');
} catch (error) {
  console.log(`rejected: ${(error as Error).name}: ${(error as Error).message}`);
}
