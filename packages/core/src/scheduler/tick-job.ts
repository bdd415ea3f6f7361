import type { NewJob } from '../driver/job-record.js';
import type { JobDefinition } from '../registry/job-definition.js';

/** The job of one schedule tick. Its id comes from the tick, never from the clock at enqueue time. */
export function tickJob(definition: JobDefinition, tickAt: number, now: number): NewJob {
  return {
    id: `cron:${definition.name}:${tickAt}`,
    queue: definition.queue,
    name: definition.name,
    payload: 'null',
    priority: definition.priority,
    maxAttempts: definition.attempts,
    runAt: now,
    enqueuedAt: now,
    scheduledFor: tickAt,
  };
}
