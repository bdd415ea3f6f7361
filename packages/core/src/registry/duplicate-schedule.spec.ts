import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Cron } from '../decorators/cron.decorator.js';
import { Every } from '../decorators/every.decorator.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import { bootJobsApp } from '../spec-support/boot.js';

@Injectable()
class ReportSchedules {
  @Cron('0 2 * * *', { name: 'nightly' })
  async build(): Promise<void> {}
}

@Injectable()
class CleanupSchedules {
  @Every('1h', { name: 'nightly' })
  async sweep(): Promise<void> {}
}

describe('schedule names', () => {
  it('refuses two schedules with one name at bootstrap, naming both Class.methods', async () => {
    const error = await bootJobsApp([ReportSchedules, CleanupSchedules]).then(
      async ({ app }) => (await app.init(), await app.close()),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JobsConfigurationError);
    expect((error as Error).message).toBe(
      'Duplicate schedule name "nightly": declared by "ReportSchedules.build" and "CleanupSchedules.sweep". Set a distinct `name` option on one of them.',
    );
  });
});
