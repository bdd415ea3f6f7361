import type { EnqueueResult, JobState, NewJob } from '@nest-jobs/core/driver';
import { queueScript } from '../queue-script.js';
import { recordBody } from '../record-codec.js';

/** The job-dependency scripts: what each .lua reads from ARGV after the waiting-list prefix, and what it returns. */

/** One end of a dependency, to apply to a job blocked on it: the JSON of the handover hash's field, decoded. */
export interface HandoverRecord {
  /** The handover hash's field, as stored (deleted once applied). */
  field: string;
  queue: string;
  id: string;
  index: number;
  /** c d k x m (completed, dead, cancelled, expired, missing) then the result JSON. */
  value: string;
}

/** enqueue-blocked.lua: per job id, name, enqueuedAt, record body (with tag D), dependencies JSON, how many. */
export const enqueueBlockedScript = queueScript({
  command: 'njEnqueueBlocked',
  operation: 'enqueue',
  args: (jobs: NewJob[]) => jobs.flatMap((job) => {
    const refs = job.dependsOn ?? [];
    const body = recordBody(job);
    const bar = body.indexOf('|');
    const tagged = `${body.slice(0, bar)},D${job.onDependencyFailure === 'ignore' ? 'i' : ''}${body.slice(bar)}`;
    return [job.id, job.name, Math.round(job.enqueuedAt), tagged, JSON.stringify(refs.map((ref) => [ref.queue, ref.id])), refs.length];
  }),
  reply: (raw, jobs): EnqueueResult[] => {
    const flat = raw as Array<number | string>;
    return jobs.map((job, index) => ({ id: job.id, created: flat[2 * index] === 1, state: flat[2 * index + 1] as JobState }));
  },
});

/** depend.lua: per dependency its id and the blocked job's entry JSON [queue, id, index]. Returns hand-over records written. */
export const dependScript = queueScript({
  command: 'njDepend',
  operation: 'enqueue (registering dependencies)',
  args: (entries: Array<{ dependencyId: string; entry: string }>) => entries.flatMap((item) => [item.dependencyId, item.entry]),
  reply: (raw): number => Number(raw),
});

/** unblock.lua: per record the blocked job's id, index, outcome letter, result JSON or ''. Returns hand-over records written in turn. */
export const unblockScript = queueScript({
  command: 'njUnblock',
  operation: 'unblock',
  args: (records: HandoverRecord[]) => records.flatMap((record) => [record.id, record.index, record.value.slice(0, 1), record.value.slice(1)]),
  reply: (raw): number => Number(raw),
});

/** The entry naming a blocked job's n-th dependency, as depend.lua and handover.lua store it (cjson's spelling). */
export function dependentEntry(queue: string, id: string, index: number): string {
  // cjson escapes "/" as "\/": spelled the same way, so depend.lua finds an entry it stored before.
  return JSON.stringify([queue, id, index]).replace(/\//g, '\\/');
}
