/**
 * A schedule created at runtime (`producer.schedule`), as a driver stores it:
 * its name and the JSON text core wrote. Drivers never read `definition`.
 */
export interface StoredSchedule {
  name: string;
  definition: string;
}

/** Every stored runtime schedule and the version they are at. */
export interface StoredSchedules {
  version: number;
  schedules: StoredSchedule[];
}

/**
 * Runtime schedules, shared by every process of the backend. The ticks of these
 * schedules go through SchedulePort like those of `@Cron`/`@Every`; this port only
 * keeps their definitions and tells every process when they change.
 */
export interface RuntimeSchedulePort {
  /** Creates or replaces the named schedule, changes the version and tells every process (`watchSchedules`). */
  saveSchedule(schedule: StoredSchedule): Promise<void>;
  /** Removes the named schedule and returns it (null when there was none); changes the version and tells every process. */
  removeSchedule(name: string): Promise<StoredSchedule | null>;
  /** Every stored schedule, and a version no newer than what was read (read with them, or just before). */
  loadSchedules(): Promise<StoredSchedules>;
  /** The version alone: it differs after any save or removal (the schedulers' slow safety poll reads it). */
  scheduleVersion(): Promise<number>;
  /**
   * Calls `listener` soon after a save or removal in any process (pub/sub, NOTIFY, in process).
   * Best effort: a missed notice is caught by the version poll. Returns the unsubscribe.
   */
  watchSchedules(listener: () => void): () => void;
}
