import type { CancelOutcome, FlowLimits, FlowStatus, ScheduleRef, TickOutcome, TickRequest } from '@nest-jobs/core/driver';
import type { SchemaCalls } from './schema-calls.js';
import type { SchemaNames } from './schema/schema-names.js';

/** Rows per bounded admin chunk (removeAllDead, retryAllDead). */
const ADMIN_CHUNK = 1_000;

/** PostgresDriver's operator writes and schedule ticks: each one call of a schema function. */
export class PostgresAdmin {
  constructor(private readonly names: SchemaNames, private readonly sql: SchemaCalls) {}

  async retry(queue: string, id: string): Promise<boolean> {
    return (await this.sql.call<boolean>('revive($1, $2)', [queue, id])) === true;
  }

  retryAllDead(queue: string): Promise<number> {
    return this.inChunks('revive_dead($1, $2)', queue);
  }

  removeAllDead(queue: string): Promise<number> {
    return this.inChunks('remove_dead($1, $2)', queue);
  }

  cancel(queue: string, id: string, reason?: string): Promise<CancelOutcome> {
    return this.sql.call<CancelOutcome>('cancel($1, $2, $3)', [queue, id, reason ?? null]);
  }

  async setFlowLimits(queue: string, limits: Record<string, FlowLimits>): Promise<void> {
    await this.sql.call('set_flow_limits($1, $2::jsonb)', [queue, JSON.stringify(limits)]);
  }

  flowStatus(queue: string, laneLimit: number): Promise<FlowStatus> {
    return this.sql.call<FlowStatus>('flow_status($1, $2)', [queue, laneLimit]);
  }

  async remove(queue: string, id: string): Promise<boolean> {
    const rows = await this.sql.rows(`DELETE FROM ${this.names.ident}.jobs WHERE queue = $1 AND id = $2 RETURNING 1`, [queue, id]);
    return rows.length > 0;
  }

  async setPaused(queue: string, paused: boolean): Promise<void> {
    await this.sql.call('set_paused($1, $2)', [queue, paused]);
  }

  enqueueTick(request: TickRequest): Promise<TickOutcome> {
    const { job } = request;
    return this.sql.call<TickOutcome>('enqueue_tick($1, $2, $3, $4, $5::jsonb)', [job.queue, request.schedule, request.tickAt, request.overlap, JSON.stringify(job)]);
  }

  async setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> {
    await this.sql.call('set_schedule_paused($1, $2, $3)', [schedule.queue, schedule.name, paused]);
  }

  private async inChunks(call: string, queue: string): Promise<number> {
    let total = 0;
    for (;;) {
      const count = (await this.sql.call<number>(call, [queue, ADMIN_CHUNK])) ?? 0;
      total += count;
      if (count < ADMIN_CHUNK) return total;
    }
  }
}
