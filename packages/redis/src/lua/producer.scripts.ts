import type { JobState, NewJob, TickOutcome, TickRequest } from '@nest-jobs/core/driver';
import { queueScript } from '../queue-script.js';
import { flowArg, recordBody } from '../record-codec.js';

/** The producer's and the scheduler's scripts: what each .lua reads from ARGV after the waiting-list prefix. */

/** A job as enqueue.lua and enqueue-tick.lua read it: id, name, priority, runAt, enqueuedAt, record body (names checked by the callers). */
export function jobArgs(job: NewJob): string[] {
  return [job.id, job.name, String(job.priority), String(Math.round(job.runAt)), String(Math.round(job.enqueuedAt)), recordBody(job)];
}

/** enqueue.lua: the jobs of one queue, each with its flow-control value. Returns per job whether it was created, its state, and the job holding its dedupe key. */
export const enqueueScript = queueScript({
  command: 'njEnqueue',
  operation: 'enqueue',
  args: (jobs: NewJob[]) => jobs.flatMap((job) => [...jobArgs(job), flowArg(job)]),
  reply: (raw): Array<{ created: boolean; state: JobState; holder?: string }> => {
    const flat = raw as Array<number | string>;
    return Array.from({ length: flat.length / 3 }, (_, index) => {
      const holder = flat[3 * index + 2] as string;
      return { created: flat[3 * index] === 1, state: flat[3 * index + 1] as JobState, ...(holder !== '' && { holder }) };
    });
  },
});

/** enqueue-tick.lua: KEYS end with the schedule's hash; tickAt, overlap, then the job. */
export const enqueueTickScript = queueScript({
  command: 'njEnqueueTick',
  operation: 'enqueueTick',
  extraKeys: (request: TickRequest, keys, queue) => [keys.schedule(queue, request.schedule)],
  args: (request: TickRequest) => [Math.round(request.tickAt), request.overlap ? '1' : '0', ...jobArgs(request.job)],
  reply: (raw): TickOutcome => raw as TickOutcome,
});

/** migrate.lua: KEYS end with layout 1's five indexes; its job and payload prefixes, the most jobs to move. */
export const migrateScript = queueScript({
  command: 'njMigrate',
  operation: 'migrate',
  extraKeys: (_input: { jobPrefix: string; payloadPrefix: string; most: number }, keys, queue) => keys.legacyIndexes(queue),
  args: (input) => [input.jobPrefix, input.payloadPrefix, input.most],
  reply: (raw): number => Number(raw),
});
