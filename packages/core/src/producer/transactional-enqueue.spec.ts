import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Job } from '../decorators/job.decorator.js';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import type { ProducerPort } from '../driver/driver-ports.js';
import type { EnqueueResult, NewJob } from '../driver/job-record.js';
import type { JobsOutbox, OutboxLag } from '../driver/transactional.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import { bootJobsApp } from '../spec-support/boot.js';
import type { Producer } from './producer.interface.js';

@Injectable()
class MailJobs {
  @Job()
  async send(_payload: { to: string }): Promise<void> {}
}

@Injectable()
class Signup {
  constructor(@InjectProducer(MailJobs) readonly mails: Producer<MailJobs>) {}
}

/** An outbox that keeps what it was given in memory: enough to see what core hands it and when. */
class RecordingOutbox implements JobsOutbox {
  readonly writes: Array<{ transaction: object; jobs: NewJob[] }> = [];
  readonly calls: string[] = [];
  write(transaction: object, jobs: NewJob[]): Promise<EnqueueResult[]> {
    this.writes.push({ transaction, jobs });
    return Promise.resolve(jobs.map((job) => ({ id: job.id, created: true, state: 'waiting' as const })));
  }
  start(_target: ProducerPort): Promise<void> {
    this.calls.push('start');
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    return Promise.resolve();
  }
  lag(): Promise<OutboxLag> {
    return Promise.resolve({ pending: this.writes.length, oldestMs: 0 });
  }
}

describe('enqueue with a transaction', () => {
  it('is refused by a driver that cannot join transactions, naming the option and the driver', async () => {
    const { app, driver } = await bootJobsApp([MailJobs, Signup]);
    await app.init();
    const signup = app.get(Signup);
    const attempt = signup.mails.enqueue('send', { to: 'a@b.c' }, { transaction: { query: () => Promise.resolve([]) } });
    await expect(attempt).rejects.toThrow(InvalidJobInputError);
    await expect(attempt).rejects.toThrow(/transaction option.*PostgresDriver.*outbox.*memory driver cannot honour it/);
    expect(await driver.counts('default')).toMatchObject({ waiting: 0 });
    await app.close();
  });

  it('refuses a transaction that is not an object, and items naming different transactions', async () => {
    const { app } = await bootJobsApp([MailJobs, Signup], { outbox: new RecordingOutbox() });
    await app.init();
    const { mails } = app.get(Signup);
    await expect(mails.enqueue('send', { to: 'x' }, { transaction: 'BEGIN' as unknown as object })).rejects.toThrow(/transaction must be a database client/);
    await expect(mails.enqueueMany([
      { job: 'send', payload: { to: 'a' }, options: { transaction: {} } },
      { job: 'send', payload: { to: 'b' }, options: { transaction: {} } },
    ])).rejects.toThrow(/must share one transaction option/);
    await app.close();
  });

  it('hands the jobs and the transaction to the outbox, not to the driver; starts and stops the outbox with the app', async () => {
    const outbox = new RecordingOutbox();
    const driver = new MemoryDriver();
    const { app } = await bootJobsApp([MailJobs, Signup], { driver, outbox });
    await app.init();
    const transaction = { query: () => Promise.resolve([]) };
    const handle = await app.get(Signup).mails.enqueue('send', { to: 'a@b.c' }, { transaction, jobId: 'signup-1' });
    expect(handle.id).toBe('signup-1');
    expect(outbox.writes).toEqual([{ transaction, jobs: [expect.objectContaining({ id: 'signup-1', name: 'MailJobs.send', payload: '{"to":"a@b.c"}' })] }]);
    expect(await driver.getJob('default', 'signup-1')).toBeNull();
    expect(await app.get(JobsAdmin).outboxLag()).toEqual({ pending: 1, oldestMs: 0 });
    await app.close();
    expect(outbox.calls).toEqual(['start', 'stop']);
  });

  it('refuses an outbox option that is not a JobsOutbox at bootstrap', async () => {
    await expect(bootJobsApp([MailJobs], { outbox: { write: () => undefined } as unknown as JobsOutbox })).rejects.toThrow(/outbox must implement JobsOutbox \(write, start, stop, lag\)/);
  });

  it('reports no outbox lag without an outbox', async () => {
    const { app } = await bootJobsApp([MailJobs]);
    await app.init();
    expect(await app.get(JobsAdmin).outboxLag()).toBeNull();
    await app.close();
  });
});
