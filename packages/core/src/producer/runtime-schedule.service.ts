import { Inject, Injectable } from '@nestjs/common';
import type { SchedulePort } from '../driver/driver-ports.js';
import type { RuntimeSchedulePort } from '../driver/runtime-schedule-port.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import type { RuntimeScheduleOptions } from '../interfaces/runtime-schedule-options.interface.js';
import { JOBS_RUNTIME_SCHEDULE_PORT, JOBS_SCHEDULE_PORT } from '../module/driver-roles.tokens.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JobRegistry } from '../registry/job.registry.js';
import { buildRuntimeRecord, checkScheduleName, decodeRecord, encodeRecord, scheduleSubject } from '../scheduler/runtime-schedule-record.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { tickJobId } from '../scheduler/tick-job.js';
import { toJson } from '../serialization/json.js';
import { EnqueueService } from './enqueue.service.js';

type HandlerClass = abstract new (...args: never[]) => unknown;

/**
 * Creates, replaces and removes runtime schedules (`Producer.schedule`,
 * `Producer.unschedule`, `JobsAdmin.removeSchedule`). Everything is checked
 * before the driver is written; this process's scheduler applies the change
 * before the call returns, the others on the driver's change notice.
 */
@Injectable()
export class RuntimeScheduleService {
  constructor(
    @Inject(JOBS_RUNTIME_SCHEDULE_PORT) private readonly port: RuntimeSchedulePort,
    @Inject(JOBS_SCHEDULE_PORT) private readonly states: Pick<SchedulePort, 'setSchedulePaused'>,
    private readonly registry: JobRegistry,
    private readonly enqueuer: EnqueueService,
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    private readonly scheduler: Scheduler,
  ) {}

  /** Upserts by name: a schedule of that name is replaced (its paused state and last tick stay). */
  async schedule(classRef: HandlerClass, name: string, key: string, payload: unknown, options: RuntimeScheduleOptions): Promise<void> {
    const subject = scheduleSubject(classRef.name, name);
    checkScheduleName(subject, name);
    const definition = this.enqueuer.definitionOf(classRef, key);
    this.refuseCodeSchedule(subject, name);
    const payloadJson = toJson(payload, `payload of ${subject}`, this.config.maxPayloadBytes);
    const now = this.clock.now();
    const record = buildRuntimeRecord(subject, name, definition, payloadJson, options, now);
    // A tick's job must build (group and dedupe keys come from user functions): fail here, not at every tick.
    this.enqueuer.prepare(definition, payload, { jobId: tickJobId(name, now), priority: record.priority, attempts: record.attempts }, now);
    await this.port.saveSchedule(encodeRecord(record));
    await this.scheduler.refresh();
  }

  /**
   * Removes a runtime schedule in every process; false when none has that name
   * (nothing to do, not an error). A code schedule's name is refused.
   */
  async remove(name: string, subject: string): Promise<boolean> {
    checkScheduleName(subject, name);
    const removed = await this.port.removeSchedule(name);
    if (!removed) {
      this.refuseCodeSchedule(subject, name);
      return false;
    }
    const record = decodeRecord(removed);
    // A schedule created again later under this name starts unpaused.
    if (typeof record !== 'string') await this.states.setSchedulePaused({ name, queue: record.queue }, false);
    await this.scheduler.refresh();
    return true;
  }

  /** Removes every runtime schedule of the backend (JobsTester.reset). */
  async removeAll(subject: string): Promise<void> {
    for (const { name } of (await this.port.loadSchedules()).schedules) await this.remove(name, subject);
  }

  private refuseCodeSchedule(subject: string, name: string): void {
    const code = this.registry.getByName(name);
    if (code?.schedule) {
      throw new InvalidJobInputError(`${subject}: "${name}" is the code schedule ${code.handler} (@Cron/@Every); runtime schedules need names of their own, and a code schedule is removed by removing its decorator.`);
    }
  }
}
