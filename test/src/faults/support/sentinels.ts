import { expect } from '@jest/globals';
import type { QueueDriver } from '@nest-jobs/core';
import type { NewJob } from '@nest-jobs/core/driver';

/** Jobs queued before a fault, far in the future so no worker takes them: they must survive it unchanged. */
export async function queueSentinels(driver: QueueDriver, queue: string, count = 3): Promise<string[]> {
  const now = Date.now();
  const jobs: NewJob[] = Array.from({ length: count }, (_, index) => ({
    id: `sentinel-${index}`, queue, name: 'Sentinel.keep', payload: JSON.stringify({ index }),
    priority: 0, maxAttempts: 1, runAt: now + 3_600_000, enqueuedAt: now,
  }));
  await driver.enqueue(jobs);
  return jobs.map((job) => job.id);
}

/** Fails unless every sentinel is still delayed with its payload intact. */
export async function expectSentinelsIntact(driver: QueueDriver, queue: string, ids: string[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    const job = await driver.getJob(queue, id);
    expect(job?.state).toBe('delayed');
    expect(job?.payload).toBe(JSON.stringify({ index }));
  }
}
