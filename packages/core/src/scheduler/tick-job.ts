import type { NewJob } from '../driver/job-record.js';
import type { JobDefinition } from '../registry/job-definition.js';

/** The job of one schedule tick. Its id comes from the tick, never from the clock at enqueue time. */
export function tickJob(definition: JobDefinition, tickAt: number, now: number): NewJob {
  return {
    id: tickJobId(definition.name, tickAt),
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

export function tickJobId(schedule: string, tickAt: number): string {
  return `cron:${schedule}:${tickAt}`;
}

/** The tick instant of a `cron:<name>:<tickAt>` job id (names may hold colons; the tick is last). */
export function tickOfJobId(id: string): number | undefined {
  const tickAt = Number(id.slice(id.lastIndexOf(':') + 1));
  return id.startsWith('cron:') && Number.isSafeInteger(tickAt) ? tickAt : undefined;
}
