// Run by testing-mode-exit.spec.ts under `node --test`: a test that never closes its app.
// In testing mode nothing (worker loop, lease renewal, schedule timer) may keep the runner alive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Every, Job, JobsModule, MemoryDriver, getProducerToken, type Producer } from '@nest-jobs/core';
import { JobsTester } from '@nest-jobs/core/testing';

let failures = 1;

@Injectable()
class BusyJobs {
  @Job({ attempts: 2, backoff: 60_000, timeout: 30_000 })
  flaky(): void {
    if (failures-- > 0) throw new Error('first try fails');
  }

  @Every('1m')
  tick(): void {}
}

test('boots in testing mode, runs jobs and ticks, and is never closed', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: true })],
    providers: [BusyJobs],
  }).compile();
  await moduleRef.init();
  const jobs = moduleRef.get(JobsTester);
  const producer = moduleRef.get<Producer<BusyJobs>>(getProducerToken(BusyJobs));
  await producer.enqueue('flaky');
  await jobs.drain();
  const report = await jobs.advance('10m');
  assert.equal(report.completed.filter((run) => run.name === 'BusyJobs.flaky').length, 1);
  assert.equal(jobs.enqueued('BusyJobs.tick').length, 10);
  await producer.enqueue('flaky', undefined, { delay: 3_600_000 }); // left delayed: must not hold the process either
});
