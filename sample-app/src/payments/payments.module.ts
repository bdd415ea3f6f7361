import { Module } from '@nestjs/common';
import { PaymentJobs } from './payment.jobs.js';
import { PaymentsController } from './payments.controller.js';

@Module({ providers: [PaymentJobs], controllers: [PaymentsController] })
export class PaymentsModule {}
