import { Injectable } from '@nestjs/common';
import { Cron, InjectProducer, Job, type Producer } from '@nest-jobs/core';

export interface Signup {
  email: string;
}

/** Sends mail; a test replaces it with a fake. */
@Injectable()
export class Mailer {
  async send(to: string, subject: string): Promise<void> {
    throw new Error(`no mail server in this example (${to}: ${subject})`);
  }
}

@Injectable()
export class WelcomeJobs {
  constructor(
    private readonly mailer: Mailer,
    @InjectProducer(WelcomeJobs) private readonly jobs: Producer<WelcomeJobs>,
  ) {}

  @Job({ attempts: 3, backoff: 60_000 })
  async sendWelcome(signup: Signup): Promise<void> {
    await this.mailer.send(signup.email, 'Welcome!');
    await this.jobs.enqueue('sendTips', signup, { delay: 3 * 24 * 3_600_000 });
  }

  @Job()
  async sendTips(signup: Signup): Promise<void> {
    await this.mailer.send(signup.email, 'Three tips');
  }

  @Cron('0 3 * * *', { timezone: 'UTC' })
  async sendDigest(): Promise<void> {
    await this.mailer.send('team@example.com', 'Nightly digest');
  }
}
