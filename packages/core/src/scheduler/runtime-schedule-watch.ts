import type { RuntimeScheduleCatalog, LoadedRuntimeSchedule } from './runtime-schedule-catalog.js';
import type { ScheduleEntry } from './schedule-entry.js';

/** How often a scheduler reads the runtime schedules' version, in case it missed a change notice. */
export const RUNTIME_SCHEDULE_POLL_MS = 10_000;

/**
 * Keeps one process's runtime schedules current: a change notice from the
 * driver (pub/sub, NOTIFY, in process) re-reads them at once; a slow poll of
 * the version number (one small read per RUNTIME_SCHEDULE_POLL_MS) catches a
 * notice lost to a reconnect. Re-reads run one at a time; notices that arrive
 * meanwhile share one more.
 */
export class RuntimeScheduleWatch {
  private version: number | undefined;
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private live = false;
  private missed = false;
  private stopped = false;

  constructor(
    private readonly catalog: RuntimeScheduleCatalog,
    private readonly apply: (entries: ScheduleEntry[]) => void,
    private readonly logger: { warn(message: string): void },
    private readonly options: { poll: boolean; pollMs?: number },
  ) {}

  /** Subscribes, reads the schedules and starts the poll; returns the runnable ones. */
  async start(): Promise<ScheduleEntry[]> {
    this.unwatch = this.catalog.port.watchSchedules(() => this.changed());
    const { version, schedules } = await this.catalog.load();
    this.version = version;
    if (this.options.poll) this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? RUNTIME_SCHEDULE_POLL_MS).unref();
    return runnable(schedules);
  }

  /** From now on changes are applied; one heard while the scheduler was starting is applied now. */
  goLive(): void {
    this.live = true;
    if (this.missed) void this.refresh();
  }

  /** Re-reads and applies the runtime schedules; never rejects (a failure waits for the next notice or poll). */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.running.then(async () => {
      this.queued = undefined;
      if (this.stopped) return;
      try {
        const { version, schedules } = await this.catalog.load();
        this.version = version;
        this.apply(runnable(schedules));
      } catch (error) {
        this.version = undefined; // the next poll reads them again
        this.logger.warn(`Could not re-read the runtime schedules (kept the ones running): ${String(error)}`);
      }
    });
    this.queued = next;
    this.running = next;
    return next;
  }

  stop(): void {
    this.stopped = true;
    this.unwatch?.();
    clearInterval(this.timer);
  }

  private changed(): void {
    if (this.stopped) return;
    if (this.live) void this.refresh();
    else this.missed = true;
  }

  private async poll(): Promise<void> {
    if (!this.live || this.stopped) return;
    const version = await this.catalog.port.scheduleVersion().catch(() => undefined);
    if (version === undefined || version !== this.version) await this.refresh();
  }
}

function runnable(schedules: LoadedRuntimeSchedule[]): ScheduleEntry[] {
  return schedules.flatMap(({ entry }) => (entry ? [entry] : []));
}
