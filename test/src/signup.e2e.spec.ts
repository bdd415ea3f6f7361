import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { JobFailedError } from '@nest-jobs/core';
import { EmailJobs } from '../../sample-app/dist/email/email.jobs.js';
import { bootSampleApp, type SampleApp } from './support/sample-app.js';
import { eventually } from './support/wait.js';

let sample: SampleApp;
beforeEach(async () => {
  sample = await bootSampleApp();
});
afterEach(() => sample.close());

describe('POST /signup', () => {
  it('answers 202 with a job id, then sends the welcome email in the background', async () => {
    const response = await sample.http().post('/signup').send({ email: ' Ada@Example.com ' }).expect(202);
    const { jobId } = response.body as { jobId: string };
    expect(typeof jobId).toBe('string');

    await eventually(async () => (await sample.admin.get('default', jobId))?.state === 'completed', 'the email job to complete');
    const job = await sample.admin.get('default', jobId);
    expect(job).toMatchObject({
      name: 'EmailJobs.sendEmail',
      payload: { to: 'ada@example.com', subject: 'Welcome!' },
      result: { messageId: `${jobId}@mail.sample.local` },
      attempt: 1,
      maxAttempts: 3,
      errors: [],
    });
    expect(sample.events.of(jobId).map((event) => event.type)).toEqual(['enqueued', 'active', 'completed']);
    // ctx.logger tags the line with the job id and attempt.
    expect(sample.logs.find('EmailJobs.sendEmail', 'Sent "Welcome!" to ada@example.com').map((line) => line.message)).toEqual([
      `[job ${jobId} attempt 1/3] Sent "Welcome!" to ada@example.com`,
    ]);
  });

  it('gives a typed handle whose result() resolves with the handler return value', async () => {
    const handle = await sample.producer(EmailJobs).enqueue('sendEmail', { to: 'bob@example.com', subject: 'Hi', body: '…' });
    const { messageId } = await handle.result({ timeout: 5_000 });
    expect(messageId).toBe(`${handle.id}@mail.sample.local`);
    expect(await handle.state()).toBe('completed');
  });

  it.each([
    [{}, 'email is required'],
    [{ email: 'not-an-email' }, 'email must be a valid email address such as "ada@example.com" (got "not-an-email")'],
    [{ email: 42 }, 'email must be a valid email address such as "ada@example.com" (got 42)'],
    [{ email: 'a b@example.com' }, 'email must be a valid email address'],
  ])('refuses %j with 400 and a message naming the field, enqueueing nothing', async (body, message) => {
    const response = await sample.http().post('/signup').send(body).expect(400);
    expect((response.body as { message: string }).message).toContain(message);
    const [defaultQueue] = (await sample.admin.queues()).filter((queue) => queue.name === 'default');
    expect(defaultQueue!.counts).toEqual({ blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 });
  });

  it('refuses a body that is not a JSON object with 400', async () => {
    const response = await sample.http().post('/signup').send(['ada@example.com']).expect(400);
    expect((response.body as { message: string }).message).toContain('JSON object');
  });
});

describe('a failing email (fail@example.com)', () => {
  it('is tried 3 times with exponential backoff (1 s, 2 s), then dead, with every try recorded', async () => {
    const response = await sample.http().post('/signup').send({ email: 'fail@example.com' }).expect(202);
    const { jobId } = response.body as { jobId: string };
    // The same failure through a handle: result() rejects once the job is dead.
    const handle = await sample.producer(EmailJobs).enqueue('sendEmail', { to: 'fail@example.com', subject: 'x', body: 'y' });
    const outcome = handle.result({ timeout: 10_000 }).catch((error: unknown) => error);

    await eventually(async () => (await sample.admin.get('default', jobId))?.state === 'dead', 'the email job to die', 10_000);

    const events = sample.events.of(jobId);
    expect(events.map((event) => `${event.type}:${event.attempt}`)).toEqual([
      'enqueued:0',
      'active:1', 'failed:1', 'retrying:1',
      'active:2', 'failed:2', 'retrying:2',
      'active:3', 'failed:3', 'dead:3',
    ]);
    const waits = events.filter((event) => event.type === 'retrying').map((event) => event.runAt!.getTime() - event.at.getTime());
    expect(waits[0]).toBeGreaterThan(900);
    expect(waits[0]).toBeLessThanOrEqual(1_000);
    expect(waits[1]).toBeGreaterThan(1_900);
    expect(waits[1]).toBeLessThanOrEqual(2_000);
    const dead = events.at(-1)!;
    expect(dead.error?.message).toContain('SMTP 550: mailbox fail@example.com unavailable');

    const job = await sample.admin.get('default', jobId);
    expect(job).toMatchObject({ state: 'dead', attempt: 3, maxAttempts: 3 });
    expect(job!.errors.map((error) => [error.attempt, error.message])).toEqual([1, 2, 3].map((attempt) => [
      attempt,
      'SMTP 550: mailbox fail@example.com unavailable (demo failure)',
    ]));
    expect(job!.errors[0]!.stack).toContain('sendEmail');
    expect((await sample.admin.list('default', 'dead')).map((info) => info.id)).toContain(jobId);
    expect(sample.logs.find('JobsWorker', `EmailJobs.sendEmail ${jobId} is dead after attempt 3/3`)).toHaveLength(1);

    const error = await outcome;
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).lastError?.attempt).toBe(3);
  }, 20_000);
});
