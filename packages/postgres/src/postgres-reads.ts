import type { DependencyOutcome, DependencyStatus, JobCounts, JobRecord, JobState, ListOptions, ScheduleRef, ScheduleState } from '@nest-jobs/core/driver';
import { JOB_COLUMNS, toRecord, type JobRow } from './row-codec.js';
import type { SchemaNames } from './schema/schema-names.js';
import type { RowsQuery } from './schema-calls.js';

/** Listing order per state, as the driver contract documents it. */
const LIST_ORDER: Record<JobState, string> = {
  blocked: 'seq DESC',
  waiting: 'priority DESC, ready_at, seq',
  delayed: 'run_at, seq',
  active: 'lease_until, seq',
  completed: 'seq DESC',
  dead: 'seq DESC',
  expired: 'seq DESC',
  cancelled: 'seq DESC',
};

/** The driver's plain reads (admin and job handles): single statements, no function calls. */
export class PostgresReads {
  constructor(
    private readonly names: SchemaNames,
    private readonly rows: RowsQuery,
  ) {}

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    const [row] = await this.rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM ${this.names.ident}.jobs WHERE queue = $1 AND id = $2`, [queue, id]);
    return row ? (await this.withDependencies([toRecord(row)]))[0]! : null;
  }

  /** A job's dependencies in order, with what ended of them; null without any (or without the job). */
  async dependencies(queue: string, id: string): Promise<DependencyStatus[] | null> {
    const rows = await this.rows<{ dep_queue: string; dep_id: string; outcome: DependencyOutcome | null; result: string | null }>(
      `SELECT dep_queue, dep_id, outcome, result FROM ${this.names.ident}.dependencies WHERE queue = $1 AND id = $2 ORDER BY idx`, [queue, id]);
    if (rows.length === 0) return null;
    return rows.map((row) => ({
      queue: row.dep_queue, id: row.dep_id, ...(row.outcome !== null && { outcome: row.outcome }), ...(row.result !== null && { result: row.result }),
    }));
  }

  /** Fills in `dependsOn` of the records that have dependencies (one read for them all). */
  private async withDependencies(records: JobRecord[]): Promise<JobRecord[]> {
    const dependents = records.filter((record) => record.dependsOn);
    if (dependents.length === 0) return records;
    const rows = await this.rows<{ queue: string; id: string; dep_queue: string; dep_id: string }>(
      `SELECT d.queue, d.id, d.dep_queue, d.dep_id FROM ${this.names.ident}.dependencies d
       JOIN unnest($1::text[], $2::text[]) AS r(queue, id) ON d.queue = r.queue AND d.id = r.id ORDER BY d.idx`,
      [dependents.map((record) => record.queue), dependents.map((record) => record.id)]);
    for (const record of dependents) {
      record.dependsOn = rows.filter((row) => row.queue === record.queue && row.id === record.id).map((row) => ({ queue: row.dep_queue, id: row.dep_id }));
    }
    return records;
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
    return this.withDependencies(rows.map(toRecord));
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
