import { describe, expect, it } from '@jest/globals';
import { crashUnderLoad, describeCrash } from '../support/redis-crash.js';
import { recordFault } from '../support/results.js';

describe('redis-server SIGKILLed under load, appendfsync always', () => {
  it('keeps every acknowledged enqueue, and the same app resumes and completes them all', async () => {
    const outcome = await crashUnderLoad('always');
    const line = describeCrash('always', outcome);
    process.stdout.write(`redis kill -9 (AOF always): ${line}\n`);
    recordFault({
      fault: 'redis kill -9 under load (AOF always)', runs: 1, jobs: outcome.acked, lost: outcome.missing.length,
      duplicates: outcome.duplicates, recoveryMs: outcome.resumeMs, note: `refused ${outcome.refused}, enqueue back ${outcome.enqueueBackMs} ms after restart`,
    });
    expect(outcome.acked).toBeGreaterThan(500);
    expect(outcome.missing).toEqual([]);
    expect(outcome.unfinished).toEqual({});
    expect(outcome.slowestEnqueueMs).toBeLessThan(3_000); // refused within the 2 s command timeout, never a hang
    expect(outcome.completed).toBe(outcome.acked);
    // Producers see the outage as errors they can act on, never a hang.
    expect(outcome.refused).toBeGreaterThan(0);
    expect(outcome.refusals.every((message) => message.includes('Redis unreachable at redis://127.0.0.1:'))).toBe(true);
  });
});
