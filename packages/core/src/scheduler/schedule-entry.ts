import type { NewJob } from '../driver/job-record.js';
import type { JobDefinition, ScheduleDefinition } from '../registry/job-definition.js';
import { tickJob } from './tick-job.js';

/** One schedule the scheduler runs: from a decorator (`code`) or created at runtime (`runtime`). */
export interface ScheduleEntry {
  /** Schedule name: the key of its tick state and of its tick job ids. */
  name: string;
  queue: string;
  source: 'code' | 'runtime';
  /** Stored name of the job each tick enqueues. */
  job: string;
  schedule: ScheduleDefinition;
  /** The job of one tick; its id comes from the tick, never from the clock at enqueue time. */
  tickJob(tickAt: number, now: number): NewJob;
  /** Equal for two loads of a schedule when nothing that changes its ticks changed. */
  signature: string;
}

export function codeEntry(definition: JobDefinition): ScheduleEntry {
  return {
    name: definition.name,
    queue: definition.queue,
    source: 'code',
    job: definition.name,
    schedule: definition.schedule!,
    tickJob: (tickAt, now) => tickJob(definition, tickAt, now),
    signature: definition.handler,
  };
}
