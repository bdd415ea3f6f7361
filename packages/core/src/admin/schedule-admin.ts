import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JobReader, SchedulePort } from '../driver/driver-ports.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import { JOBS_ADMIN_PORT, JOBS_SCHEDULE_PORT } from '../module/driver-roles.tokens.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import type { JobHandle } from '../producer/job-handle.interface.js';
import { EnqueueService } from '../producer/enqueue.service.js';
import { RuntimeScheduleService } from '../producer/runtime-schedule.service.js';
import { JobRegistry } from '../registry/job.registry.js';
import { messages } from '../registry/jobs.messages.js';
import { RuntimeScheduleCatalog } from '../scheduler/runtime-schedule-catalog.js';
import { nextTick, type ScheduleSpec } from '../scheduler/schedule.js';
import { codeEntry, type ScheduleEntry } from '../scheduler/schedule-entry.js';
import { tickOfJobId } from '../scheduler/tick-job.js';
import { fromJsonOrRaw } from '../serialization/json.js';
import type { ScheduleInfo } from './job-info.interface.js';

/** A schedule as operators address it: code or runtime, runnable here (`entry`) or not (`problem`). */
interface ScheduleTarget {
  name: string;
  queue: string;
  source: 'code' | 'runtime';
  job: string;
  spec: ScheduleSpec;
  payload?: string;
  entry?: ScheduleEntry;
  problem?: string;
}

/** JobsAdmin's schedule operations, on code and runtime schedules alike. */
@Injectable()
export class ScheduleAdmin {
  constructor(
    @Inject(JOBS_ADMIN_PORT) private readonly reader: JobReader,
    @Inject(JOBS_SCHEDULE_PORT) private readonly store: Pick<SchedulePort, 'scheduleStates' | 'setSchedulePaused'>,
    private readonly registry: JobRegistry,
    private readonly catalog: RuntimeScheduleCatalog,
    private readonly runtime: RuntimeScheduleService,
    private readonly enqueuer: EnqueueService,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
  ) {}

  async list(): Promise<ScheduleInfo[]> {
    const targets = await this.targets();
    const states = await this.store.scheduleStates(targets.map(({ name, queue }) => ({ name, queue })));
    const now = this.clock.now();
    return Promise.all(targets.map(async (target) => {
      const { name, queue, source, job, spec } = target;
      const state = states[name];
      const info: ScheduleInfo = { name, queue, source, job, paused: state?.paused ?? false, nextRunAt: new Date(nextTick(spec, now)) };
      if (target.payload !== undefined) info.payload = fromJsonOrRaw(target.payload);
      if (target.problem !== undefined) info.problem = target.problem;
      if (spec.kind === 'cron') Object.assign(info, { expression: spec.expression, timezone: spec.timezone });
      else info.every = spec.everyMs;
      if (state?.lastJobId !== undefined) {
        const lastRun = await this.reader.getJob(queue, state.lastJobId);
        const lastRunAt = lastRun?.scheduledFor ?? tickOfJobId(state.lastJobId);
        if (lastRunAt !== undefined) info.lastRunAt = new Date(lastRunAt);
        info.lastRunState = lastRun?.state ?? 'missing';
      }
      if (state?.lastTickAt !== undefined && state.lastTickAt !== info.lastRunAt?.getTime()) info.lastSkippedAt = new Date(state.lastTickAt);
      return info;
    }));
  }

  async trigger(name: string): Promise<JobHandle<unknown>> {
    const target = await this.target(name);
    if (!target.entry) throw new InvalidJobInputError(`JobsAdmin.trigger("${name}"): runtime schedule "${name}" does not run in this application: ${target.problem}`);
    const now = this.clock.now();
    const job = { ...target.entry.tickJob(now, now), id: `trigger:${name}:${randomUUID()}` };
    const [handle] = await this.enqueuer.submit([job]);
    return handle!;
  }

  async setPaused(name: string, paused: boolean): Promise<void> {
    const { queue } = await this.target(name);
    await this.store.setSchedulePaused({ name, queue }, paused);
  }

  remove(name: string): Promise<boolean> {
    return this.runtime.remove(name, `JobsAdmin.removeSchedule(${JSON.stringify(name)})`);
  }

  private async target(name: string): Promise<ScheduleTarget> {
    const code = this.registry.getByName(name);
    if (code?.schedule) return fromEntry(codeEntry(code));
    const found = (await this.targets(false)).find((target) => target.name === name);
    if (!found) throw new InvalidJobInputError(messages.unknownSchedule(name));
    return found;
  }

  /** Code schedules (unless `withCode` is false), then the runtime ones by name. */
  private async targets(withCode = true): Promise<ScheduleTarget[]> {
    const code = withCode ? this.registry.schedules().map((definition) => fromEntry(codeEntry(definition))) : [];
    const { schedules } = await this.catalog.load();
    const runtime = schedules.flatMap(({ name, record, entry, problem }): ScheduleTarget[] => {
      if (!record) return [];
      const target: ScheduleTarget = { name, queue: entry?.queue ?? record.queue, source: 'runtime', job: record.job, spec: record.spec, payload: record.payload };
      if (entry) target.entry = entry;
      if (problem !== undefined) target.problem = problem;
      return [target];
    });
    return [...code, ...runtime];
  }
}

function fromEntry(entry: ScheduleEntry): ScheduleTarget {
  return { name: entry.name, queue: entry.queue, source: entry.source, job: entry.job, spec: entry.schedule.spec, entry };
}
