import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectProducer, Job, JobsModule, type Producer } from '@nest-jobs/core';
import { PostgresDriver } from './postgres.driver.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

@Injectable()
class WelcomeJobs {
  @Job({ queue: 'welcome' })
  async greet(payload: { email: string }): Promise<string> {
    return `hello ${payload.email}`;
  }
}

@Injectable()
class Signups {
  constructor(@InjectProducer(WelcomeJobs) readonly welcome: Producer<WelcomeJobs>) {}
}

let app: INestApplicationContext | undefined;
// Before the server's hooks: the app closes before the server stops.
afterAll(async () => {
  await app?.close();
});
const postgres = useSpecPostgres();

beforeAll(async () => {
  await postgres.pool().query('CREATE TABLE users (email text PRIMARY KEY)');
  @Module({ imports: [JobsModule.forRoot({ driver: new PostgresDriver({ url: postgres.url(), schema: 'jobs_app' }), shutdownTimeout: 2_000 })], providers: [WelcomeJobs, Signups] })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
});

describe('Producer.enqueue with { transaction } on PostgresDriver', () => {
  it('runs a job enqueued in a committed transaction, and never one whose transaction rolled back', async () => {
    const { welcome } = app!.get(Signups);
    const client = await postgres.pool().connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO users (email) VALUES ($1)', ['kept@x.test']);
      const kept = await welcome.enqueue('greet', { email: 'kept@x.test' }, { transaction: client });
      await client.query('COMMIT');

      await client.query('BEGIN');
      await client.query('INSERT INTO users (email) VALUES ($1)', ['dropped@x.test']);
      const dropped = await welcome.enqueue('greet', { email: 'dropped@x.test' }, { transaction: client });
      await client.query('ROLLBACK');

      expect(await kept.result({ timeout: 10_000 })).toBe('hello kept@x.test');
      expect(await dropped.state()).toBe('missing');
    } finally {
      client.release();
    }
    const tables = await postgres.pool().query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'jobs_app' ORDER BY 1");
    expect(tables.rows.map((row: { table_name: string }) => row.table_name)).toEqual(['dedupes', 'dependencies', 'event_bodies', 'flow_holds', 'flow_lanes', 'flow_limits', 'flow_starts', 'jobs', 'migrations', 'queues', 'runtime_schedules', 'runtime_schedules_version', 'schedules']);
  });
});
