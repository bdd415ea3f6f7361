import { Injectable } from '@nestjs/common';
import { Job, type JobContext } from '@nest-jobs/core';
import { sleep } from '../common/sleep.js';
import type { SendEmail } from './send-email.js';

/** Demo hook: mail to this address always fails, so you can watch retries and the dead-letter state. */
export const FAILING_ADDRESS = 'fail@example.com';

@Injectable()
export class EmailJobs {
  /** 3 tries: the second 1 s after the first failure, the third 2 s after the second. */
  @Job({ attempts: 3, backoff: { type: 'exponential', delay: 1_000, maxDelay: 60_000 }, timeout: 30_000 })
  async sendEmail(email: SendEmail, ctx: JobContext): Promise<{ messageId: string }> {
    if (email.to === FAILING_ADDRESS) {
      throw new Error(`SMTP 550: mailbox ${email.to} unavailable (demo failure)`);
    }
    await sleep(20, ctx.signal); // stands in for the mail provider call; pass ctx.signal so a timeout cancels it
    ctx.logger.log(`Sent "${email.subject}" to ${email.to}`);
    return { messageId: `${ctx.id}@mail.sample.local` };
  }
}
