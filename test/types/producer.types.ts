// Compile-time contract of Producer<T>: `tsc -p test/types/tsconfig.json --noEmit`
// (part of `npm run typecheck`). Every `@ts-expect-error` must stay an error.
import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandle, type Producer } from '@nest-jobs/core';
import type { EmailJobs as SampleEmailJobs } from '../../sample-app/dist/email/email.jobs.js';

interface SendEmail {
  to: string;
  subject: string;
  body: string;
}

@Injectable()
class EmailJobs {
  readonly label = 'not a job';

  @Job({ attempts: 3 })
  async sendEmail(email: SendEmail, ctx: JobContext): Promise<{ messageId: string }> {
    return Promise.resolve({ messageId: `${ctx.id}:${email.to}` });
  }

  @Job()
  countWords(text: string): number {
    return text.split(/\s+/).length;
  }

  @Job()
  async ping(): Promise<void> {}
}

declare const emails: Producer<EmailJobs>;
declare const sampleEmails: Producer<SampleEmailJobs>;
const welcome: SendEmail = { to: 'ada@example.com', subject: 'Welcome', body: 'Hi' };

export async function validUses(): Promise<void> {
  const handle: JobHandle<{ messageId: string }> = await emails.enqueue('sendEmail', welcome, { delay: 1_000, priority: 5, jobId: 'welcome:ada', attempts: 2 });
  const { messageId }: { messageId: string } = await handle.result({ timeout: 1_000 });
  const words: number = await (await emails.enqueue('countWords', 'one two')).result();
  // A handler without payload may be enqueued with the key alone, or with undefined and options.
  await emails.enqueue('ping');
  await emails.enqueue('ping', undefined, { delay: 1_000 });
  await emails.enqueueMany([{ job: 'ping' }]);
  await sampleEmails.enqueue('sendEmail', { to: 'bob@example.com', subject: 'Hi', body: '…' });

  const [first, second] = await emails.enqueueMany([
    { job: 'sendEmail', payload: welcome },
    { job: 'countWords', payload: 'a b c', options: { priority: 1 } },
  ]);
  const firstResult: { messageId: string } = await first.result();
  const secondResult: number = await second.result();
  void [messageId, words, firstResult, secondResult];
}

export async function refusedUses(): Promise<void> {
  // @ts-expect-error -- 'sendEmial' is not a method of EmailJobs
  await emails.enqueue('sendEmial', welcome);
  // @ts-expect-error -- `label` is a property, not a job
  await emails.enqueue('label', welcome);
  // @ts-expect-error -- `to` must be a string
  await emails.enqueue('sendEmail', { to: 1, subject: 'Welcome', body: 'Hi' });
  // @ts-expect-error -- `body` is missing
  await emails.enqueue('sendEmail', { to: 'ada@example.com', subject: 'Welcome' });
  // @ts-expect-error -- the payload of countWords is a string
  await emails.enqueue('countWords', { text: 'one two' });
  // @ts-expect-error -- sendEmail needs a payload
  await emails.enqueue('sendEmail');
  // @ts-expect-error -- priority is a number
  await emails.enqueue('sendEmail', welcome, { priority: 'high' });
  // @ts-expect-error -- the sample app's payload needs `subject` and `body`
  await sampleEmails.enqueue('sendEmail', { to: 'bob@example.com' });

  const handle = await emails.enqueue('sendEmail', welcome);
  // @ts-expect-error -- the result is { messageId: string }, not a string
  const wrong: string = await handle.result();
  // @ts-expect-error -- countWords resolves with a number
  const notWords: string = await (await emails.enqueue('countWords', 'a b')).result();

  // @ts-expect-error -- unknown job key in an enqueueMany item
  await emails.enqueueMany([{ job: 'sendEmial', payload: welcome }]);
  // @ts-expect-error -- payload of another job's shape in an enqueueMany item
  await emails.enqueueMany([{ job: 'countWords', payload: welcome }]);
  // @ts-expect-error -- missing payload field in an enqueueMany item
  await emails.enqueueMany([{ job: 'sendEmail', payload: { to: 'ada@example.com', subject: 'Hi' } }]);
  const [many] = await emails.enqueueMany([{ job: 'countWords', payload: 'a' }]);
  // @ts-expect-error -- the handle of a countWords item resolves with a number
  const manyWrong: string = await many.result();
  void [wrong, notWords, manyWrong];
}

// Runtime schedules are typed like enqueue: a @Job key, its payload, and one of cron or every.
export async function scheduleUses(): Promise<void> {
  await emails.schedule('weekly', 'sendEmail', welcome, { cron: '0 9 * * 1', timezone: 'Europe/Berlin' });
  await emails.schedule('poll', 'countWords', 'a b', { every: '30s', overlap: false, catchUp: 'none' });
  await emails.schedule('ping', 'ping', undefined, { every: 60_000 });
  const removed: boolean = await emails.unschedule('weekly');
  // @ts-expect-error -- 'sendEmial' is not a method of EmailJobs
  await emails.schedule('weekly', 'sendEmial', welcome, { every: '1m' });
  // @ts-expect-error -- the payload of countWords is a string
  await emails.schedule('poll', 'countWords', welcome, { every: '1m' });
  // @ts-expect-error -- timing is required
  await emails.schedule('poll', 'countWords', 'a b');
  // @ts-expect-error -- cron and every exclude each other
  await emails.schedule('poll', 'countWords', 'a b', { every: '1m', cron: '* * * * *' });
  // @ts-expect-error -- a timezone belongs to cron only
  await emails.schedule('poll', 'countWords', 'a b', { every: '1m', timezone: 'UTC' });
  void removed;
}

// Job dependencies: handles or { queue, id } of any producer; results typed by the handler.
export async function dependencies(ctx: JobContext): Promise<void> {
  const part = await emails.enqueue('countWords', 'a b');
  await emails.enqueue('ping', undefined, { dependsOn: [part, { queue: 'other', id: 'x' }], onDependencyFailure: 'ignore' });
  // @ts-expect-error a dependency needs its queue
  await emails.enqueue('ping', undefined, { dependsOn: [{ id: 'x' }] });
  // @ts-expect-error onDependencyFailure is 'fail' or 'ignore'
  await emails.enqueue('ping', undefined, { dependsOn: [part], onDependencyFailure: 'retry' });
  const [words]: [number | undefined] = await ctx.dependencies<[number | undefined]>();
  const all: unknown[] = await ctx.dependencies();
  void words;
  void all;
}
