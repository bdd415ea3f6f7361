import type { RetentionOptions } from '../job-record.js';
import type { MemoryQueue, StoredJob } from './memory-queue.js';

/** The error recorded when a lease runs out; the Redis driver records the same. */
export function leaseExpiredError(): { name: string; message: string } {
  return { name: 'LeaseExpiredError', message: 'lease expired' };
}

/** Trims completed jobs per the completing job's retention, oldest first. */
export function applyRetention(queue: MemoryQueue, job: StoredJob, retention: RetentionOptions | undefined, now: number): void {
  if (retention === undefined || retention === false) return;
  if (retention === true) {
    queue.delete(job);
    return;
  }
  const { age, count } = retention;
  for (const candidate of [...queue.completed.values()]) {
    const tooMany = count !== undefined && queue.completed.size > count;
    const tooOld = age !== undefined && (candidate.finishedAt ?? now) < now - age;
    if (!tooMany && !tooOld) break;
    queue.delete(candidate);
  }
}
