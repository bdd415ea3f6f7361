import type { ScheduleRef, ScheduleState, TickOutcome, TickRequest } from '../queue-driver.interface.js';

/** What a tick needs from the job store. */
export interface TickJobs {
  /** True while the job is waiting, delayed or active. */
  isUnfinished(queue: string, id: string): boolean;
  /** Enqueues the tick's job; false when its id already exists. */
  enqueue(request: TickRequest): boolean;
}

/**
 * Per-schedule state: the exactly-once tick bookkeeping and the paused flag.
 * Keyed by queue and name, as a Redis driver keeps it beside the queue.
 */
export class MemorySchedules {
  private readonly states = new Map<string, ScheduleState>();

  tick(request: TickRequest, jobs: TickJobs): TickOutcome {
    const state = this.state({ name: request.schedule, queue: request.job.queue });
    if (state.paused) return 'paused';
    if (state.lastTickAt !== undefined && request.tickAt <= state.lastTickAt) return 'duplicate';
    // The tick is consumed from here on, even when skipped for overlap: no later call may enqueue it.
    state.lastTickAt = request.tickAt;
    const previous = state.lastJobId;
    if (!request.overlap && previous !== undefined && jobs.isUnfinished(request.job.queue, previous)) return 'overlap';
    if (!jobs.enqueue(request)) return 'duplicate';
    state.lastJobId = request.job.id;
    return 'enqueued';
  }

  /** Copies of the states of known schedules, by name; unknown ones are left out. */
  snapshot(schedules: ScheduleRef[]): Record<string, ScheduleState> {
    const states: Record<string, ScheduleState> = {};
    for (const schedule of schedules) {
      const state = this.states.get(key(schedule));
      if (state) states[schedule.name] = { ...state };
    }
    return states;
  }

  setPaused(schedule: ScheduleRef, paused: boolean): void {
    this.state(schedule).paused = paused;
  }

  private state(schedule: ScheduleRef): ScheduleState {
    let state = this.states.get(key(schedule));
    if (!state) this.states.set(key(schedule), (state = { paused: false }));
    return state;
  }
}

// JSON keeps any two (queue, name) pairs apart, whatever characters the names hold.
const key = (schedule: ScheduleRef): string => JSON.stringify([schedule.queue, schedule.name]);
