import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Job, JobEvents, getProducerToken, type JobContext, type JobRecord, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { bootJobsApp } from '../support/boot.js';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import { CaptureLogger } from '../../support/capture-logger.js';
import { eventually, recordEvents, sleep } from '../../support/wait.js';

const LEASE_MS = 1_000;
const STALL_MS = 3_000;
const NAP_MS = 6_000;

interface Run { attempt: number; abortedBy?: string; abortedAt?: number; returnedAt?: number }
const runs: Run[] = [];
let stalled = false;
let stallEndedAt = 0;

@Injectable()
class LapseJobs {
  /** `stall` blocks the event loop once (a sync JSON parse, a crypto call); `nap` is a long, well-behaved job. */
  @Job({ concurrency: 2, attempts: 5 })
  async work(payload: { mode: 'stall' | 'nap' }, ctx: JobContext): Promise<string> {
    if (payload.mode === 'stall') {
      if (!stalled) {
        stalled = true;
        const until = Date.now() + STALL_MS;
        while (Date.now() < until) { /* busy: no timer, no renewal, no I/O */ }
        stallEndedAt = Date.now();
      }
      return 'stalled';
    }
    const run: Run = { attempt: ctx.attempt };
    runs.push(run);
    ctx.signal.addEventListener('abort', () => {
      run.abortedBy = (ctx.signal.reason as Error).name;
      run.abortedAt = Date.now();
    });
    await sleep(NAP_MS);
    run.returnedAt = Date.now();
    return 'rested';
  }
}

const server = useRedisServer();

describe('a job whose lease lapses while this very process blocks its event loop', () => {
  let app: INestApplicationContext;
  let driver: RedisDriver;
  const logs = new CaptureLogger();

  beforeAll(async () => {
    driver = new RedisDriver({ url: server().url, prefix: uniquePrefix('lapse') });
    app = await bootJobsApp([LapseJobs], { driver, leaseMs: LEASE_MS });
    app.useLogger(logs);
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('aborts the stale run at once, lets the new run complete on attempt 2, and says this process re-leased it', async () => {
    const producer = app.get<Producer<LapseJobs>>(getProducerToken(LapseJobs));
    const events = recordEvents(app.get(JobEvents));
    const nap = await producer.enqueue('work', { mode: 'nap' });
    await eventually(() => runs.length === 1, 'the nap job to start');
    await producer.enqueue('work', { mode: 'stall' });

    let record: JobRecord | null = null;
    await eventually(async () => {
      record = await driver.getJob('default', nap.id);
      return record?.state === 'completed' || record?.state === 'dead';
    }, `job ${nap.id} to settle`, 30_000);
    events.stop();
    const summary = `state ${record!.state}, attempt ${record!.attempt}, errors ${record!.errors.map((error) => `${error.attempt}:${error.name}`).join(' ')}`;
    const warnings = logs.lines.filter((line) => line.level === 'warn' && line.message.includes(nap.id)).map((line) => line.message);
    process.stdout.write(`lease lapse: nap job ended ${summary}; runs ${JSON.stringify(runs)}; warnings:\n  ${warnings.join('\n  ')}\n`);

    expect(record).toMatchObject({ state: 'completed', attempt: 2, result: JSON.stringify('rested') });
    expect(events.of(nap.id).map((event) => event.type)).not.toContain('dead');
    expect(runs.map((run) => run.attempt)).toEqual([1, 2]);
    // The stale run learnt at once (not when its own sleep ended) that its work no longer counts.
    expect(runs[0]!.abortedBy).toBe('LeaseLostError');
    expect(runs[0]!.abortedAt! - stallEndedAt).toBeLessThan(1_500);
    expect(runs[1]!.abortedBy).toBeUndefined();

    expect(warnings.join('\n')).toMatch(/event loop blocked for \d+ ms\?\) and this process leased it again as attempt 2/);
    expect(warnings.some((message) => message.includes('another worker'))).toBe(false);
  });
});
