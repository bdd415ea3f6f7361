import type { RuntimeSchedulePort, StoredSchedule, StoredSchedules } from '../runtime-schedule-port.js';

/**
 * Runtime schedule definitions in process memory. Every app sharing the driver
 * (tests of a cluster in one process) hears of a change on the next microtask.
 */
export class MemoryRuntimeSchedules implements RuntimeSchedulePort {
  private readonly definitions = new Map<string, string>();
  private readonly watchers = new Set<() => void>();
  private version = 0;

  saveSchedule(schedule: StoredSchedule): Promise<void> {
    this.definitions.set(schedule.name, schedule.definition);
    this.changed();
    return Promise.resolve();
  }

  removeSchedule(name: string): Promise<StoredSchedule | null> {
    const definition = this.definitions.get(name);
    if (definition === undefined) return Promise.resolve(null);
    this.definitions.delete(name);
    this.changed();
    return Promise.resolve({ name, definition });
  }

  loadSchedules(): Promise<StoredSchedules> {
    const schedules = [...this.definitions].map(([name, definition]) => ({ name, definition }));
    return Promise.resolve({ version: this.version, schedules });
  }

  scheduleVersion(): Promise<number> {
    return Promise.resolve(this.version);
  }

  watchSchedules(listener: () => void): () => void {
    const own = (): void => listener();
    this.watchers.add(own);
    return () => this.watchers.delete(own);
  }

  private changed(): void {
    this.version++;
    for (const watcher of [...this.watchers]) queueMicrotask(watcher);
  }
}
