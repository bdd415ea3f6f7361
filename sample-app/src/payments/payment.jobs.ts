import { Injectable } from '@nestjs/common';
import { Job, type JobContext } from '@nest-jobs/core';
import { sleep } from '../common/sleep.js';
import type { CapturePayment } from './capture-payment.js';

/**
 * Payments share the `default` queue with emails on purpose: priority only
 * orders jobs within one queue, and a capture should overtake a backlog of
 * welcome emails. A queue of their own would isolate them instead (own worker
 * via JOBS_QUEUES, no waiting behind emails at all) but with no ordering
 * relative to emails.
 */
export const PAYMENT_PRIORITY = 10;

@Injectable()
export class PaymentJobs {
  @Job({ priority: PAYMENT_PRIORITY, attempts: 5, backoff: { type: 'exponential', delay: 2_000, maxDelay: 60_000 }, timeout: 15_000 })
  async capture(payment: CapturePayment, ctx: JobContext): Promise<{ captureId: string }> {
    // Stands in for the payment provider call, made with the job id as idempotency key and ctx.signal.
    await sleep(20, ctx.signal);
    const amount = (payment.amountCents / 100).toFixed(2);
    ctx.logger.log(`Captured ${amount} ${payment.currency} for order ${payment.orderId}`);
    return { captureId: `cap_${payment.orderId}` };
  }
}
