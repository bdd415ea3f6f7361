import type { AdminPort, CancelOutcome, JobCounts, JobRecord, JobState, ListOptions } from '@nest-jobs/core/driver';
import { cancelScript, countsScript, listWaitingScript, removeDeadScript, removeScript, resumeScript, retryDeadScript } from './lua/admin.scripts.js';
import { decodeRecord } from './record-codec.js';
import type { DriverContext } from './driver-context.js';

/** The index of each state but waiting (whose lists list-waiting.lua walks). */
const INDEX = { delayed: 'v2:delayed', active: 'v2:active', completed: 'v2:completed', dead: 'v2:dead' } as const;
/** States whose index is a flow or dependency key (keys.ts). */
const OTHER_INDEX = new Set<JobState>(['expired', 'cancelled', 'blocked']);
/** Listing order per state: completed, dead and expired newest first, the rest in processing order. */
const NEWEST_FIRST = new Set<JobState>(['completed', 'dead', 'expired', 'cancelled', 'blocked']);
/** Dead jobs moved or removed per script call by retryAllDead/removeAllDead: each call is atomic, the whole is not. */
const DEAD_CHUNK = 1_000;

/** The admin side of RedisDriver: O(1) counts, paged lists, single jobs, and operator actions. */
export class RedisAdmin implements Omit<AdminPort, 'dependencies'> {
  /** `ended`: a job of the queue ended or went unfinished, and jobs blocked on it may have hand-over records. */
  constructor(private readonly context: DriverContext, private readonly ended: (queue: string) => void = () => undefined) {}

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    await this.ready(queue);
    return (await this.records(queue, [id]))[0] ?? null;
  }

  async counts(queue: string): Promise<JobCounts> {
    await this.ready(queue);
    // A script that only reads: at maxmemory Redis still runs it (it refuses every command of a
    // MULTI then, even reads), and counts are what an operator needs then.
    return this.context.runner.call(countsScript, queue, undefined);
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const { client, keys, runner } = this.context;
    await this.ready(queue);
    let ids: string[];
    if (state === 'waiting') {
      ids = await runner.call(listWaitingScript, queue, { offset: options.offset, limit: options.limit });
    } else {
      const key = OTHER_INDEX.has(state) ? keys.flow(queue, state) : keys.key(queue, INDEX[state as keyof typeof INDEX]);
      const stop = options.offset + options.limit - 1;
      const members = NEWEST_FIRST.has(state)
        ? await client.zrevrange(key, options.offset, stop)
        : await client.zrange(key, String(options.offset), String(stop));
      // Delayed members are "<seq16>:<id>" (keys.ts); the other indexes hold ids.
      ids = state === 'delayed' ? members.map((member) => member.slice(17)) : members;
    }
    return ids.length === 0 ? [] : this.records(queue, ids);
  }

  async queues(): Promise<string[]> {
    await this.context.ready();
    return (await this.context.client.smembers(this.context.keys.queues())).sort();
  }

  async retry(queue: string, id: string): Promise<boolean> {
    await this.ready(queue);
    return (await this.context.runner.call(retryDeadScript, queue, { id })) === 1;
  }

  retryAllDead(queue: string): Promise<number> {
    return this.drainDead(queue, () => this.context.runner.call(retryDeadScript, queue, { most: DEAD_CHUNK }));
  }

  removeAllDead(queue: string): Promise<number> {
    return this.drainDead(queue, () => this.context.runner.call(removeDeadScript, queue, DEAD_CHUNK));
  }

  async cancel(queue: string, id: string, reason?: string): Promise<CancelOutcome> {
    await this.ready(queue);
    const outcome = await this.context.runner.call(cancelScript, queue, { id, reason });
    if (outcome === 'cancelled') this.ended(queue);
    return outcome;
  }

  async remove(queue: string, id: string): Promise<boolean> {
    await this.ready(queue);
    const removed = await this.context.runner.call(removeScript, queue, id);
    if (removed) this.ended(queue);
    return removed;
  }

  async pause(queue: string): Promise<void> {
    await this.ready(queue);
    await this.context.client.set(this.context.keys.paused(queue), '1');
  }

  async resume(queue: string): Promise<void> {
    await this.ready(queue);
    await this.context.runner.call(resumeScript, queue, undefined);
  }

  async isPaused(queue: string): Promise<boolean> {
    await this.context.ready();
    return (await this.context.client.exists(this.context.keys.paused(queue))) === 1;
  }

  /** Runs a dead-jobs script (at most DEAD_CHUNK jobs per call) until it finds none; returns the total. */
  private async drainDead(queue: string, call: () => Promise<number>): Promise<number> {
    await this.ready(queue);
    let total = 0;
    for (;;) {
      const count = await call();
      if (count === 0) return total;
      total += count;
    }
  }

  private async ready(queue: string): Promise<void> {
    await this.context.ready();
    await this.context.layout.ensure(queue);
  }

  /** Each job's record, result, errors and progress in one round trip; a job that is gone is left out. */
  private async records(queue: string, ids: string[]): Promise<JobRecord[]> {
    const { client, keys } = this.context;
    const pipeline = client.pipeline();
    for (const role of ['v2:jobs', 'v2:results', 'v2:errors', 'v2:progress'] as const) pipeline.hmget(keys.key(queue, role), ...ids);
    const [records, results, errors, progress] = ((await pipeline.exec()) ?? []).map(([error, reply]) => {
      if (error) throw error;
      return reply as Array<string | null>;
    });
    const decoded = ids.flatMap((id, index) => {
      const text = records![index];
      if (typeof text !== 'string') return [];
      return [decodeRecord(queue, id, text, { result: results![index], errors: errors![index], progress: progress![index] })];
    });
    // A job with dependencies (record tag D) lists them: one read more, for those only.
    await Promise.all(decoded.filter((record) => record.dependsOn).map(async (record) => {
      const refs = await client.hget(keys.dependency(queue, `deps:${record.id}`), 'refs');
      record.dependsOn = refs ? (JSON.parse(refs) as Array<[string, string]>).map(([refQueue, id]) => ({ queue: refQueue, id })) : [];
    }));
    return decoded;
  }
}
