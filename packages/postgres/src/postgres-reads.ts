import type { JobCounts, JobRecord, JobState, ListOptions, ScheduleRef, ScheduleState } from '@nest-jobs/core/driver';
import { JOB_COLUMNS, toRecord, type JobRow } from './row-codec.js';
import type { SchemaNames } from './schema/schema-names.js';

/** Listing order per state, as the driver contract documents it. */
const LIST_ORDER: Record<JobState, string> = {
  waiting: 'priority DESC, ready_at, seq',
  delayed: 'run_at, seq',
  active: 'lease_until, seq',
  completed: 'seq DESC',
  dead: 'seq DESC',
  expired: 'seq DESC',
  cancelled: 'seq DESC',
};

/** Runs a statement on the driver's pool and returns its rows. */
export type RowsQuery = <Row>(text: string, values: unknown[]) => Promise<Row[]>;

/** The driver's plain reads (admin and job handles): single statements, no function calls. */
export class PostgresReads {
  constructor(
    private readonly names: SchemaNames,
    private readonly rows: RowsQuery,
  ) {}

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    const [row] = await this.rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM ${this.names.ident}.jobs WHERE queue = $1 AND id = $2`, [queue, id]);
    return row ? toRecord(row) : null;
  }

  async counts(queue: string): Promise<JobCounts> {
    const rows = await this.rows<{ state: JobState; count: number }>(
      `SELECT state, count(*)::integer AS count FROM ${this.names.ident}.jobs WHERE queue = $1 GROUP BY state`, [queue]);
    const counts: JobCounts = { blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, expired: 0, cancelled: 0 };
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const order = LIST_ORDER[state];
    if (!order) throw new Error(`PostgresDriver.list: unknown state ${JSON.stringify(state)}`);
    const rows = await this.rows<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM ${this.names.ident}.jobs WHERE queue = $1 AND state = $2 ORDER BY ${order} OFFSET $3 LIMIT $4`,
      [queue, state, options.offset, options.limit]);
    return rows.map(toRecord);
  }

  async queues(): Promise<string[]> {
    const rows = await this.rows<{ name: string }>(`SELECT name FROM ${this.names.ident}.queues WHERE known ORDER BY name`, []);
    return rows.map((row) => row.name);
  }

  async isPaused(queue: string): Promise<boolean> {
    const [row] = await this.rows<{ paused: boolean }>(`SELECT paused FROM ${this.names.ident}.queues WHERE name = $1`, [queue]);
    return row?.paused ?? false;
  }

  async scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> {
    if (schedules.length === 0) return {};
    const rows = await this.rows<{ queue: string; name: string; paused: boolean; last_tick_at: string | null; last_job_id: string | null }>(
      `SELECT s.queue, s.name, s.paused, s.last_tick_at, s.last_job_id FROM ${this.names.ident}.schedules s
       JOIN unnest($1::text[], $2::text[]) AS r(queue, name) ON s.queue = r.queue AND s.name = r.name`,
      [schedules.map((schedule) => schedule.queue), schedules.map((schedule) => schedule.name)]);
    const states: Record<string, ScheduleState> = {};
    for (const row of rows) {
      states[row.name] = {
        paused: row.paused,
        ...(row.last_tick_at !== null && { lastTickAt: Number(row.last_tick_at) }),
        ...(row.last_job_id !== null && { lastJobId: row.last_job_id }),
      };
    }
    return states;
  }
}
