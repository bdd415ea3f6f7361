import type { JobsAdmin } from '@nest-jobs/core';

const BATCH = 100;
/** One request removes at most this many; the page shows what is left. */
export const MAX_REMOVED_PER_REQUEST = 10_000;

export async function removeAllDead(admin: JobsAdmin, queue: string): Promise<number> {
  let removed = 0;
  while (removed < MAX_REMOVED_PER_REQUEST) {
    const jobs = await admin.list(queue, 'dead', { offset: 0, limit: BATCH });
    if (!jobs.length) break;
    const outcomes = await Promise.all(jobs.map((job) => admin.remove(queue, job.id)));
    const count = outcomes.filter(Boolean).length;
    removed += count;
    if (count === 0) break;
  }
  return removed;
}
