import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RuntimeSchedulePort } from '../driver/runtime-schedule-port.js';
import { JOBS_RUNTIME_SCHEDULE_PORT } from '../module/driver-roles.tokens.js';
import { EnqueueService } from '../producer/enqueue.service.js';
import { JobRegistry } from '../registry/job.registry.js';
import { fromJson } from '../serialization/json.js';
import { decodeRecord, type RuntimeScheduleRecord } from './runtime-schedule-record.js';
import type { ScheduleEntry } from './schedule-entry.js';
import { tickJobId } from './tick-job.js';

/** A stored runtime schedule as this process sees it: runnable (`entry`), or skipped for `problem`. */
export interface LoadedRuntimeSchedule {
  name: string;
  record?: RuntimeScheduleRecord;
  entry?: ScheduleEntry;
  /** Why this process does not run it (its job is not a @Job here, its name is a code schedule's…). */
  problem?: string;
}

/**
 * Reads the runtime schedules from the driver and turns each into a schedule
 * entry against this app's @Job definitions. One this process cannot run is
 * skipped with a warning naming it (once per definition), never thrown: a
 * schedule left behind by removed code must not stop an instance.
 */
@Injectable()
export class RuntimeScheduleCatalog {
  private readonly logger = new Logger('JobsScheduler');
  private readonly warned = new Set<string>();

  constructor(
    @Inject(JOBS_RUNTIME_SCHEDULE_PORT) readonly port: RuntimeSchedulePort,
    private readonly registry: JobRegistry,
    private readonly enqueuer: EnqueueService,
  ) {}

  async load(): Promise<{ version: number; schedules: LoadedRuntimeSchedule[] }> {
    const { version, schedules } = await this.port.loadSchedules();
    return {
      version,
      schedules: schedules.sort((a, b) => a.name.localeCompare(b.name)).map((stored) => {
        const decoded = decodeRecord(stored);
        const loaded = typeof decoded === 'string' ? { name: stored.name, problem: decoded } : this.resolve(decoded);
        if (loaded.problem) this.warnOnce(`${stored.name}\n${stored.definition}`, `Runtime schedule "${stored.name}" is skipped: ${loaded.problem}`);
        return loaded;
      }),
    };
  }

  private resolve(record: RuntimeScheduleRecord): LoadedRuntimeSchedule {
    const { name } = record;
    const code = this.registry.getByName(name);
    if (code?.schedule) {
      return { name, record, problem: `its name is taken by the code schedule ${code.handler} (@Cron/@Every), which runs instead. Remove it with unschedule("${name}").` };
    }
    const definition = this.registry.getByName(record.job);
    if (definition?.kind !== 'job') {
      return { name, record, problem: `its job "${record.job}" is not a @Job of this application (removed or renamed in the code?). Remove it with unschedule("${name}") or JobsAdmin.removeSchedule("${name}").` };
    }
    let payload: unknown;
    try {
      payload = fromJson(record.payload);
    } catch (error) {
      return { name, record, problem: `its stored payload is not JSON (${String(error)})` };
    }
    const entry: ScheduleEntry = {
      name,
      queue: definition.queue,
      source: 'runtime',
      job: definition.name,
      schedule: { spec: record.spec, catchUp: record.catchUp, catchUpWindow: record.catchUpWindow, overlap: record.overlap },
      tickJob: (tickAt, now) => {
        const options = { jobId: tickJobId(name, tickAt), priority: record.priority, attempts: record.attempts };
        return { ...this.enqueuer.prepare(definition, payload, options, now), scheduledFor: tickAt };
      },
      signature: JSON.stringify([definition.handler, definition.queue, { ...record, updatedAt: 0 }]),
    };
    return { name, record, entry };
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
