import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobsModule, MemoryDriver, getProducerToken, type Producer } from '@nest-jobs/core';
import { JobsTester, JobsTesterError } from '@nest-jobs/core/testing';
import { EmailJobs, FAILING_ADDRESS } from './email.jobs.js';
import { SignupController } from './signup.controller.js';

let moduleRef: TestingModule;
let jobs: JobsTester;

beforeEach(async () => {
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: true })],
    providers: [EmailJobs],
    controllers: [SignupController],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  jobs = moduleRef.get(JobsTester);
});

afterEach(() => moduleRef.close());

describe('EmailJobs.sendEmail', () => {
  it('a signup enqueues the welcome email, which is sent when the job runs', async () => {
    const { jobId } = await moduleRef.get(SignupController).signup({ email: 'ada@example.com' });
    expect(jobs.enqueued(EmailJobs, 'sendEmail').map((job) => [job.id, job.payload.to, job.payload.subject])).toEqual([
      [jobId, 'ada@example.com', 'Welcome!'],
    ]);

    const report = await jobs.drain();
    expect(report.completed.map((run) => run.result)).toEqual([{ messageId: `${jobId}@mail.sample.local` }]);
  });

  it('retries a failing address after 1 s and 2 s of backoff, then it is dead, without waiting in real time', async () => {
    const emails = moduleRef.get<Producer<EmailJobs>>(getProducerToken(EmailJobs));
    await emails.enqueue('sendEmail', { to: FAILING_ADDRESS, subject: 'x', body: 'y' });
    const started = Date.now();

    expect((await jobs.drain()).failed.map((run) => run.outcome)).toEqual(['retrying']);
    expect((await jobs.advance('999ms')).runs).toEqual([]);
    expect((await jobs.advance('1ms')).runs.map((run) => `${run.attempt}:${run.outcome}`)).toEqual(['2:retrying']);

    const last = await jobs.advance('2s').catch((error: unknown) => error);
    expect(last).toBeInstanceOf(JobsTesterError);
    expect((last as JobsTesterError).message).toContain('EmailJobs.sendEmail');
    expect((last as JobsTesterError).report.dead[0]?.error?.message).toBe('SMTP 550: mailbox fail@example.com unavailable (demo failure)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
