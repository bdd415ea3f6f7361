import type { StoredSchedule, StoredSchedules } from '@nest-jobs/core/driver';
import type { RowsQuery } from './schema-calls.js';
import type { SchemaNames } from './schema/schema-names.js';

/**
 * Runtime schedule definitions in the schema's `runtime_schedules` table; each
 * change bumps a version row and NOTIFYs the schedules channel at commit,
 * which the driver's LISTEN connection hands to `receive`.
 */
export class PostgresRuntimeSchedules {
  private readonly watchers = new Set<() => void>();

  constructor(
    private readonly names: SchemaNames,
    private readonly query: RowsQuery,
    private readonly warn: (message: string) => void,
  ) {}

  async save(schedule: StoredSchedule): Promise<void> {
    await this.query(`SELECT ${this.names.ident}.save_runtime_schedule($1, $2)`, [schedule.name, schedule.definition]);
  }

  async remove(name: string): Promise<StoredSchedule | null> {
    const [row] = await this.query<{ definition: string | null }>(`SELECT ${this.names.ident}.remove_runtime_schedule($1) AS definition`, [name]);
    return typeof row?.definition === 'string' ? { name, definition: row.definition } : null;
  }

  async load(): Promise<StoredSchedules> {
    const [row] = await this.query<{ value: { version: string | number; schedules: StoredSchedule[] } }>(`SELECT ${this.names.ident}.load_runtime_schedules() AS value`, []);
    return { version: Number(row!.value.version), schedules: row!.value.schedules };
  }

  async version(): Promise<number> {
    const [row] = await this.query<{ version: string }>(`SELECT version FROM ${this.names.ident}.runtime_schedules_version`, []);
    return Number(row?.version ?? 0);
  }

  watch(listener: () => void): () => void {
    const own = (): void => listener();
    this.watchers.add(own);
    return () => this.watchers.delete(own);
  }

  /** A notification on the schedules channel, or a reconnect of the LISTEN connection (a notice may be lost). */
  receive(): void {
    for (const watcher of [...this.watchers]) {
      try {
        watcher();
      } catch (error) {
        this.warn(`PostgresDriver: a runtime schedule watcher threw: ${String(error)}`);
      }
    }
  }
}
