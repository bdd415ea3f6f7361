import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { InjectProducer, type Producer } from '@nest-jobs/core';
import { BodyPipe } from '../common/body.pipe.js';
import { EmailJobs } from './email.jobs.js';
import { parseSignup, type SignupRequest } from './send-email.js';

@Controller('signup')
export class SignupController {
  constructor(@InjectProducer(EmailJobs) private readonly emails: Producer<EmailJobs>) {}

  /** Answers at once; the welcome email goes out in the background. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async signup(@Body(new BodyPipe(parseSignup)) { email }: SignupRequest): Promise<{ jobId: string }> {
    const handle = await this.emails.enqueue('sendEmail', {
      to: email,
      subject: 'Welcome!',
      body: `Hi ${email}, thanks for signing up.`,
    });
    return { jobId: handle.id };
  }
}
