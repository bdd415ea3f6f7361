import { Inject, Injectable } from '@nestjs/common';
import { JOB_STATES, type JobState } from '../driver/job-record.js';
import type { AdminPort, FlowPort } from '../driver/driver-ports.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import type { JobsOutbox, OutboxLag } from '../driver/transactional.js';
import { JOBS_ADMIN_PORT, JOBS_FLOW_PORT, JOBS_OUTBOX } from '../module/driver-roles.tokens.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import type { JobHandle } from '../producer/job-handle.interface.js';
import { JobRegistry } from '../registry/job.registry.js';
import type { JobInfo, QueueInfo, ScheduleInfo } from './job-info.interface.js';
import { toJobInfo } from './job-info.mapper.js';
import { ScheduleAdmin } from './schedule-admin.js';
import { dependencyReport } from './dependency-report.js';
import { type FlowInfo, toFlowInfo, waitingReason } from './flow-report.js';

const MAX_PAGE = 1_000;

/** Operate queues, jobs and schedules: used by the dashboard, health checks and operators. */
@Injectable()
export class JobsAdmin {
  constructor(
    @Inject(JOBS_ADMIN_PORT) private readonly driver: AdminPort,
    private readonly scheduleAdmin: ScheduleAdmin,
    private readonly registry: JobRegistry,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    @Inject(JOBS_FLOW_PORT) private readonly flowPort: Pick<FlowPort, 'flowStatus'>,
    @Inject(JOBS_OUTBOX) private readonly outbox: JobsOutbox | null,
  ) {}

  /** How far the module's outbox relay is behind; null without an outbox. */
  async outboxLag(): Promise<OutboxLag | null> {
    return this.outbox ? this.outbox.lag() : null;
  }

  async queues(): Promise<QueueInfo[]> {
    const names = [...new Set([...this.registry.queues(), ...(await this.driver.queues())])].sort();
    return Promise.all(
      names.map(async (name) => ({ name, paused: await this.driver.isPaused(name), counts: await this.driver.counts(name) })),
    );
  }

  async list(queue: string, state: JobState, options: { offset?: number; limit?: number } = {}): Promise<JobInfo[]> {
    if (!JOB_STATES.includes(state)) throw new InvalidJobInputError(`JobsAdmin.list: state must be one of ${JOB_STATES.join(', ')} (got ${JSON.stringify(state)}).`);
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 50;
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidJobInputError(`JobsAdmin.list: offset must be an integer ≥ 0 (got ${offset}).`);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidJobInputError(`JobsAdmin.list: limit must be an integer from 1 to ${MAX_PAGE} (got ${limit}).`);
    return (await this.driver.list(queue, state, { offset, limit })).map(toJobInfo);
  }

  async get(queue: string, id: string): Promise<JobInfo | null> {
    const record = await this.driver.getJob(queue, id);
    if (!record) return null;
    const info = toJobInfo(record);
    if (record.dependsOn) Object.assign(info, await dependencyReport(this.driver, record));
    if (record.state === 'waiting' && (record.limited || record.group !== undefined)) {
      const reason = waitingReason(record, await this.flow(queue, { groups: 1_000 }), this.clock.now());
      if (reason) info.waitingReason = reason;
    }
    return info;
  }

  /** Flow control of a queue: limits per job name, running jobs and starts per window, and the `groups` busiest groups (default 20). */
  async flow(queue: string, options: { groups?: number } = {}): Promise<FlowInfo> {
    const groups = options.groups ?? 20;
    if (!Number.isInteger(groups) || groups < 0 || groups > 10_000) throw new InvalidJobInputError(`JobsAdmin.flow: groups must be an integer from 0 to 10000 (got ${groups}).`);
    return toFlowInfo(queue, await this.flowPort.flowStatus(queue, groups));
  }

  /** Dead job back to waiting with fresh tries. False when it is not dead. */
  retry(queue: string, id: string): Promise<boolean> {
    return this.driver.retry(queue, id);
  }

  retryAllDead(queue: string): Promise<number> {
    return this.driver.retryAllDead(queue);
  }

  /** Removes every dead job of the queue; returns how many. */
  removeAllDead(queue: string): Promise<number> {
    return this.driver.removeAllDead(queue);
  }

  /**
   * Cancels a job from any process (see JobHandle.cancel): true when this call cancelled it,
   * false when it had ended already or does not exist.
   */
  async cancel(queue: string, id: string, reason?: string): Promise<boolean> {
    if (reason !== undefined && typeof reason !== 'string') throw new InvalidJobInputError(`JobsAdmin.cancel: reason must be a string (job ${id}).`);
    return (await this.driver.cancel(queue, id, reason)) === 'cancelled';
  }

  remove(queue: string, id: string): Promise<boolean> {
    return this.driver.remove(queue, id);
  }

  pause(queue: string): Promise<void> {
    return this.driver.pause(queue);
  }

  resume(queue: string): Promise<void> {
    return this.driver.resume(queue);
  }

  /** Code (`@Cron`/`@Every`) and runtime (`Producer.schedule`) schedules, with `source` telling which. */
  schedules(): Promise<ScheduleInfo[]> {
    return this.scheduleAdmin.list();
  }

  /** Runs a schedule now, as an extra job with its own id; the regular ticks are unaffected. */
  trigger(scheduleName: string): Promise<JobHandle<unknown>> {
    return this.scheduleAdmin.trigger(scheduleName);
  }

  /** Stops a schedule's ticks in every process until resumed. */
  pauseSchedule(scheduleName: string): Promise<void> {
    return this.scheduleAdmin.setPaused(scheduleName, true);
  }

  resumeSchedule(scheduleName: string): Promise<void> {
    return this.scheduleAdmin.setPaused(scheduleName, false);
  }

  /** Removes a runtime schedule in every process (as `Producer.unschedule`); false when there is none. A code schedule's name is refused. */
  removeSchedule(scheduleName: string): Promise<boolean> {
    return this.scheduleAdmin.remove(scheduleName);
  }
}
