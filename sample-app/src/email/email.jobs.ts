import { Injectable } from '@nestjs/common';
import { Job, type JobContext } from '@nest-jobs/core';
import { intFromEnv } from '../common/env.js';
import { recordExecution } from '../common/execution-ledger.js';
import { sleep } from '../common/sleep.js';
import type { SendEmail } from './send-email.js';

/** Demo hook: mail to this address always fails, so you can watch retries and the dead-letter state. */
export const FAILING_ADDRESS = 'fail@example.com';

/** Emails sent at once per worker process (env `EMAIL_CONCURRENCY`, default 1). */
const EMAIL_CONCURRENCY = intFromEnv('EMAIL_CONCURRENCY', 1, 1, 10_000);
/** How long the stand-in mail provider takes, ms (env `EMAIL_SEND_MS`, default 20). */
const EMAIL_SEND_MS = intFromEnv('EMAIL_SEND_MS', 20, 0, 60_000);

@Injectable()
export class EmailJobs {
  /** 3 tries: the second 1 s after the first failure, the third 2 s after the second. */
  @Job({ attempts: 3, backoff: { type: 'exponential', delay: 1_000, maxDelay: 60_000 }, timeout: 30_000, concurrency: EMAIL_CONCURRENCY })
  async sendEmail(email: SendEmail, ctx: JobContext): Promise<{ messageId: string }> {
    recordExecution('start', ctx);
    if (email.to === FAILING_ADDRESS) {
      throw new Error(`SMTP 550: mailbox ${email.to} unavailable (demo failure)`);
    }
    await sleep(EMAIL_SEND_MS, ctx.signal); // stands in for the mail provider call; pass ctx.signal so a timeout cancels it
    ctx.logger.log(`Sent "${email.subject}" to ${email.to}`);
    recordExecution('done', ctx);
    return { messageId: `${ctx.id}@mail.sample.local` };
  }
}
