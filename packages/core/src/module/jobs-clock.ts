/** The time core reads for run times, backoff and schedule ticks. */
export interface JobsClock {
  /** Epoch ms. */
  now(): number;
}

/** The clock core runs on: the system clock, or JobsTester's virtual clock in testing mode. */
export const JOBS_CLOCK = Symbol('nest-jobs:clock');

export const systemClock: JobsClock = { now: () => Date.now() };
