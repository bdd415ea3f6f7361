import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobsModule, MemoryDriver, getProducerToken, type Producer } from '@nest-jobs/core';
import { JobsTester } from '@nest-jobs/core/testing';
import { Mailer, WelcomeJobs } from './welcome.jobs.js';

const sent: string[] = [];
let moduleRef: TestingModule;
let jobs: JobsTester;
let welcome: Producer<WelcomeJobs>;

beforeEach(async () => {
  sent.length = 0;
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: true })],
    providers: [WelcomeJobs, { provide: Mailer, useValue: { send: async (to: string, subject: string) => void sent.push(`${to}: ${subject}`) } }],
  }).compile();
  await moduleRef.init();
  jobs = moduleRef.get(JobsTester);
  welcome = moduleRef.get(getProducerToken(WelcomeJobs));
});

afterEach(async () => {
  await moduleRef.close();
});

test('sends the welcome mail now and the tips three days later', async () => {
  await welcome.enqueue('sendWelcome', { email: 'ada@example.com' });
  await jobs.drain();
  assert.deepEqual(sent, ['ada@example.com: Welcome!']);

  await jobs.advance('3d');
  assert.deepEqual(sent.filter((line) => line.startsWith('ada@')), ['ada@example.com: Welcome!', 'ada@example.com: Three tips']);
});
