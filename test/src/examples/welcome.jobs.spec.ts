import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobsModule, MemoryDriver, getProducerToken, type Producer } from '@nest-jobs/core';
import { JobsTester } from '@nest-jobs/core/testing';
import { Mailer, WelcomeJobs } from './welcome.jobs.js';

class FakeMailer {
  sent: string[] = [];
  failures = 0;
  async send(to: string, subject: string): Promise<void> {
    if (this.failures-- > 0) throw new Error('SMTP timeout');
    this.sent.push(`${to}: ${subject}`);
  }
}

let moduleRef: TestingModule;
let jobs: JobsTester;
let welcome: Producer<WelcomeJobs>;
let mailer: FakeMailer;

beforeEach(async () => {
  mailer = new FakeMailer();
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: { startAt: new Date('2030-01-01T00:00:00Z') } })],
    providers: [WelcomeJobs, { provide: Mailer, useValue: mailer }],
  }).compile();
  await moduleRef.init(); // workers and schedules start on bootstrap
  jobs = moduleRef.get(JobsTester);
  welcome = moduleRef.get(getProducerToken(WelcomeJobs));
});

afterEach(async () => {
  await moduleRef.close();
});

it('sends the welcome mail now and the tips three days later', async () => {
  await welcome.enqueue('sendWelcome', { email: 'ada@example.com' });
  expect(jobs.enqueued(WelcomeJobs, 'sendWelcome')[0]?.payload.email).toBe('ada@example.com');

  await jobs.drain(); // runs what is due now, and what it enqueues
  expect(mailer.sent).toEqual(['ada@example.com: Welcome!']);

  await jobs.advance('3d'); // virtual time, in ms of real time; the 03:00 digest ran 3 times on the way
  expect(mailer.sent.filter((line) => line.startsWith('ada@'))).toEqual(['ada@example.com: Welcome!', 'ada@example.com: Three tips']);
});

it('retries a failed send after the 60 s backoff', async () => {
  mailer.failures = 1;
  await welcome.enqueue('sendWelcome', { email: 'ada@example.com' });

  const first = await jobs.drain();
  expect(first.failed[0]?.error?.message).toBe('SMTP timeout');

  await jobs.advance('1m');
  expect(mailer.sent).toEqual(['ada@example.com: Welcome!']);
});

it('runs the nightly digest at 03:00', async () => {
  await jobs.advance('3h');
  expect(mailer.sent).toEqual(['team@example.com: Nightly digest']);
});
