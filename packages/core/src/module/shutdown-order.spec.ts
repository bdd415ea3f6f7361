import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { getProducerToken } from '../module/jobs.tokens.js';
import type { Producer } from '../producer/producer.interface.js';
import { eventually, sleep } from '../spec-support/boot.js';
import { JobsModule } from './jobs.module.js';

/** Stands for a database client that a module closes in its own onModuleDestroy (Prisma's $disconnect, say). */
@Injectable()
class Database implements OnModuleDestroy {
  open = true;
  readonly timeline: string[] = [];

  onModuleDestroy(): void {
    this.open = false;
    this.timeline.push('database closed');
  }
}

@Module({ providers: [Database], exports: [Database] })
class DatabaseModule {}

@Injectable()
class ReportJobs {
  constructor(private readonly database: Database) {}

  @Job()
  async build(tag: string): Promise<string> {
    this.database.timeline.push(`started ${tag}`);
    await sleep(300);
    if (!this.database.open) throw new Error('the database was closed under a running job');
    this.database.timeline.push(`finished ${tag}`);
    return tag;
  }
}

@Module({ imports: [JobsModule.forRoot({ driver: new MemoryDriver(), shutdownTimeout: 5_000 }), DatabaseModule], providers: [ReportJobs] })
class ReportAppModule {}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('graceful shutdown order', () => {
  it('lets in-flight jobs finish before any other module\'s onModuleDestroy runs', async () => {
    app = await NestFactory.createApplicationContext(ReportAppModule, { logger: false, abortOnError: false });
    const database = app.get(Database);
    await app.get<Producer<ReportJobs>>(getProducerToken(ReportJobs)).enqueue('build', 'nightly');
    await eventually(() => database.timeline.includes('started nightly'), 3_000, 'the job to start');
    await app.close();
    app = undefined;
    expect(database.timeline).toEqual(['started nightly', 'finished nightly', 'database closed']);
  });
});
