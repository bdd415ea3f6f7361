import { Injectable, Module } from '@nestjs/common';
import { Job } from '@nest-jobs/core';

/** A limited job for the flow-control views and metrics: two starts per hour, one at a time per tenant. */
@Injectable()
export class FlowFixtureJobs {
  @Job({ queue: 'api', rateLimit: { max: 2, per: '1h' }, group: { key: (payload: { tenant: string }) => payload.tenant, concurrency: 1 } })
  async call(payload: { tenant: string }): Promise<string> {
    await Promise.resolve();
    return payload.tenant;
  }
}

@Module({ providers: [FlowFixtureJobs] })
export class FlowFixtureModule {}
