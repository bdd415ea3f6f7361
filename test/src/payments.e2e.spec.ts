import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { bootSampleApp, type SampleApp } from './support/sample-app.js';
import { eventually } from './support/wait.js';

let sample: SampleApp;
beforeEach(async () => {
  sample = await bootSampleApp();
});
afterEach(() => sample.close());

const payment = (orderId: string) => ({ orderId, amountCents: 1234, currency: 'EUR' });

describe('payments', () => {
  it('outrank emails queued before them on the shared default queue', async () => {
    await sample.admin.pause('default');
    const emailIds: string[] = [];
    for (const name of ['ann', 'ben', 'cid']) {
      emailIds.push(((await sample.http().post('/signup').send({ email: `${name}@example.com` }).expect(202)).body as { jobId: string }).jobId);
    }
    const paymentIds: string[] = [];
    for (const orderId of ['o-1', 'o-2', 'o-3']) {
      paymentIds.push(((await sample.http().post('/payments').send(payment(orderId)).expect(202)).body as { jobId: string }).jobId);
    }
    const health = (await sample.http().get('/health').expect(200)).body as { queues: Array<{ name: string; paused: boolean; counts: { waiting: number } }> };
    expect(health.queues.find((queue) => queue.name === 'default')).toMatchObject({ paused: true, counts: { waiting: 6 } });

    await sample.admin.resume('default');
    const all = [...emailIds, ...paymentIds];
    await eventually(() => sample.events.all.filter((event) => event.type === 'completed' && all.includes(event.id)).length === 6, 'all six jobs to complete');

    // Each handler has concurrency 1, so the order jobs are leased in is the order they run in.
    const started = sample.events.all.filter((event) => event.type === 'active' && all.includes(event.id)).map((event) => event.id);
    expect(started).toEqual([...paymentIds, ...emailIds]);
    const handlerStarts = sample.logs.lines
      .filter((line) => line.context === 'PaymentJobs.capture' || line.context === 'EmailJobs.sendEmail')
      .map((line) => line.context);
    expect(handlerStarts).toEqual([...Array(3).fill('PaymentJobs.capture'), ...Array(3).fill('EmailJobs.sendEmail')]);
  });

  it('captures an order once when it is posted twice (job id from the order id)', async () => {
    const first = (await sample.http().post('/payments').send(payment('o-42')).expect(202)).body as { jobId: string; duplicate: boolean };
    const second = (await sample.http().post('/payments').send(payment('o-42')).expect(202)).body as { jobId: string; duplicate: boolean };
    expect(first).toEqual({ jobId: 'capture:o-42', duplicate: false });
    expect(second).toEqual({ jobId: 'capture:o-42', duplicate: true });
    await eventually(async () => (await sample.admin.get('default', 'capture:o-42'))?.state === 'completed', 'the capture');
    expect((await sample.admin.get('default', 'capture:o-42'))?.result).toEqual({ captureId: 'cap_o-42' });
    expect(sample.logs.find('PaymentJobs.capture', 'Captured 12.34 EUR for order o-42')).toHaveLength(1);
    expect(sample.events.of('capture:o-42').filter((event) => event.type === 'enqueued')).toHaveLength(1);
  });

  it.each([
    [{ amountCents: 100, currency: 'EUR' }, 'orderId must be'],
    [{ orderId: 'o-1', amountCents: 12.5, currency: 'EUR' }, 'amountCents must be a positive integer, in cents (got 12.5)'],
    [{ orderId: 'o-1', amountCents: 100, currency: 'euro' }, 'currency must be an ISO 4217 code such as "EUR" (got "euro")'],
  ])('refuses %j with 400', async (body, message) => {
    const response = await sample.http().post('/payments').send(body).expect(400);
    expect((response.body as { message: string }).message).toContain(message);
  });
});
