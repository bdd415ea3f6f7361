import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { InjectProducer, type Producer } from '@nest-jobs/core';
import { BodyPipe } from '../common/body.pipe.js';
import { parseCapturePayment, type CapturePayment } from './capture-payment.js';
import { PaymentJobs } from './payment.jobs.js';

@Controller('payments')
export class PaymentsController {
  constructor(@InjectProducer(PaymentJobs) private readonly payments: Producer<PaymentJobs>) {}

  /** The job id is derived from the order: posting the same order twice captures it once. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async capture(@Body(new BodyPipe(parseCapturePayment)) payment: CapturePayment): Promise<{ jobId: string; duplicate: boolean }> {
    const handle = await this.payments.enqueue('capture', payment, { jobId: `capture:${payment.orderId}` });
    return { jobId: handle.id, duplicate: !handle.created };
  }
}
