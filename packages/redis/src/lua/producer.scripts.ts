import type { JobState, NewJob, TickOutcome, TickRequest } from '@nest-jobs/core/driver';
import { queueScript } from '../queue-script.js';
import { flowArg, recordBody } from '../record-codec.js';

/** The producer's and the scheduler's scripts: what each .lua reads from ARGV after the waiting-list prefix. */

/** A job as enqueue.lua and enqueue-tick.lua read it: id, name, priority, runAt, enqueuedAt, record body (names checked by the callers). */
export function jobArgs(job: NewJob): string[] {
  return [job.id, job.name, String(job.priority), String(Math.round(job.runAt)), String(Math.round(job.enqueuedAt)), recordBody(job)];
}

/**
 * enqueue.lua: how many jobs have flow control and their values ("<index>:<value>"), then the jobs
 * of one queue. Returns per job whether it was created, its state, and the job holding its dedupe key.
 */
export const enqueueScript = queueScript({
  command: 'njEnqueue',
  operation: 'enqueue',
  args: (jobs: NewJob[]) => {
    const flows: string[] = [];
    jobs.forEach((job, index) => {
      const value = flowArg(job);
      if (value !== '') flows.push(`${index + 1}:${value}`);
    });
    return [String(flows.length), ...flows, ...jobs.flatMap(jobArgs)];
  },
  reply: (raw): Array<{ created: boolean; state: JobState; holder?: string }> => {
    const flat = raw as Array<number | string>;
    return Array.from({ length: flat.length / 2 }, (_, index) => {
      const text = flat[2 * index + 1] as string;
      const bar = text.indexOf('|');
      const created = flat[2 * index] === 1;
      return bar < 0 ? { created, state: text as JobState } : { created, state: text.slice(0, bar) as JobState, holder: text.slice(bar + 1) };
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
