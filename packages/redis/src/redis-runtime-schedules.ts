import type { StoredSchedule, StoredSchedules } from '@nest-jobs/core/driver';
import type { DriverContext } from './driver-context.js';

/**
 * Runtime schedule definitions: one hash and a version counter in one slot
 * (`{prefix:}`), so each change is one MULTI that also announces it on the
 * schedules channel, which every process hears on its wake-up subscription.
 */
export class RedisRuntimeSchedules {
  constructor(private readonly context: DriverContext) {}

  async save(schedule: StoredSchedule): Promise<void> {
    const { keys } = this.context;
    await this.context.ready();
    await this.exec((multi) => multi.hset(keys.runtimeSchedules(), schedule.name, schedule.definition).incr(keys.runtimeScheduleVersion()).publish(keys.schedulesChannel(), 's'));
  }

  async remove(name: string): Promise<StoredSchedule | null> {
    const { keys } = this.context;
    await this.context.ready();
    const [definition] = await this.exec((multi) =>
      multi.hget(keys.runtimeSchedules(), name).hdel(keys.runtimeSchedules(), name).incr(keys.runtimeScheduleVersion()).publish(keys.schedulesChannel(), 's'));
    return typeof definition === 'string' ? { name, definition } : null;
  }

  /**
   * A pipeline, not a MULTI (a full Redis, at maxmemory, refuses a transaction even of reads): the version
   * is read first, so it is never newer than the definitions read after it; at worst one re-read more.
   */
  async load(): Promise<StoredSchedules> {
    const { keys, client } = this.context;
    await this.context.ready();
    const replies = (await client.pipeline().get(keys.runtimeScheduleVersion()).hgetall(keys.runtimeSchedules()).exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    const [version, hash] = replies.map(([, reply]) => reply);
    const schedules = Object.entries((hash ?? {}) as Record<string, string>).map(([name, definition]) => ({ name, definition }));
    return { version: Number(version ?? 0), schedules };
  }

  async version(): Promise<number> {
    await this.context.ready();
    return Number((await this.context.client.get(this.context.keys.runtimeScheduleVersion())) ?? 0);
  }

  /** Runs one MULTI (all its keys share a slot) and returns each command's reply; a failed command fails the call. */
  private async exec(build: (multi: ReturnType<DriverContext['client']['multi']>) => ReturnType<DriverContext['client']['multi']>): Promise<unknown[]> {
    const replies = (await build(this.context.client.multi()).exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    return replies.map(([, reply]) => reply);
  }
}
