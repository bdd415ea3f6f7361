import type { JobRef, NewJob } from '../driver/job-record.js';
import type { EnqueueOptions } from '../interfaces/job-options.interface.js';
import { isValidQueueName, type failFor } from '../registry/option-validators.js';

/** Most dependencies of one job: a fan-in larger than this is better split into stages. */
export const MAX_DEPENDENCIES = 10_000;

/**
 * The dependency fields of a job about to be enqueued, checked: `dependsOn` holds handles or
 * `{ queue, id }` (copied to plain refs), no job twice, not the job itself.
 */
export function withDependencies(job: NewJob, options: EnqueueOptions, fail: ReturnType<typeof failFor>): NewJob {
  const { dependsOn, onDependencyFailure } = options;
  if (onDependencyFailure !== undefined && onDependencyFailure !== 'fail' && onDependencyFailure !== 'ignore') {
    fail('onDependencyFailure', "'fail' or 'ignore'", onDependencyFailure);
  }
  if (dependsOn === undefined) {
    if (onDependencyFailure !== undefined) fail('onDependencyFailure', 'set only with dependsOn', onDependencyFailure);
    return job;
  }
  if (!Array.isArray(dependsOn) || dependsOn.length === 0 || dependsOn.length > MAX_DEPENDENCIES) {
    fail('dependsOn', `an array of 1–${MAX_DEPENDENCIES} job handles or { queue, id }`, dependsOn);
  }
  const seen = new Set<string>();
  const refs = dependsOn.map((ref: JobRef, index): JobRef => {
    const { queue, id } = (ref ?? {}) as Partial<JobRef>;
    if (typeof queue !== 'string' || !isValidQueueName(queue) || typeof id !== 'string' || id.length === 0 || id.length > 512) {
      fail(`dependsOn[${index}]`, 'a job handle or { queue, id } with a valid queue name and id', ref);
    }
    if (queue === job.queue && id === job.id) fail(`dependsOn[${index}]`, 'another job (a job cannot depend on itself)', `${queue}/${id}`);
    const key = `${queue}\u0000${id}`;
    if (seen.has(key)) fail(`dependsOn[${index}]`, 'each job at most once', `${queue}/${id}`);
    seen.add(key);
    return { queue, id };
  });
  return { ...job, dependsOn: refs, ...(onDependencyFailure === 'ignore' && { onDependencyFailure }) };
}
