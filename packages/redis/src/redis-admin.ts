import type { AdminPort, JobCounts, JobRecord, JobState, ListOptions } from '@nest-jobs/core/driver';
import { decodeJob } from './codec.js';
import type { DriverContext } from './driver-context.js';

const STATES: JobState[] = ['waiting', 'delayed', 'active', 'completed', 'dead'];
/** Listing order per state: completed and dead newest first, the rest in processing order. */
const NEWEST_FIRST = new Set<JobState>(['completed', 'dead']);
/** Dead jobs moved or removed per script call by retryAllDead/removeAllDead: each call is atomic, the whole is not. */
const DEAD_CHUNK = 1_000;

/** The admin side of RedisDriver: O(1) counts, paged lists, single jobs, and operator actions. */
export class RedisAdmin implements AdminPort {
  constructor(private readonly context: DriverContext) {}

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    await this.context.ready();
    return (await this.records(queue, [id]))[0] ?? null;
  }

  async counts(queue: string): Promise<JobCounts> {
    const { client, keys } = this.context;
    await this.context.ready();
    // A pipeline, not MULTI: at maxmemory Redis refuses every command queued in a MULTI (EXECABORT),
    // even reads, and counts are what an operator needs then. The price: a job moving between states
    // during the round trip may be counted in both.
    const pipeline = client.pipeline();
    STATES.forEach((state) => pipeline.zcard(keys.stateKey(queue, state)));
    const [waiting, delayed, active, completed, dead] = ((await pipeline.exec()) ?? []).map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
    return { waiting: waiting!, delayed: delayed!, active: active!, completed: completed!, dead: dead! };
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const { client, keys } = this.context;
    await this.context.ready();
    const key = keys.stateKey(queue, state);
    const stop = options.offset + options.limit - 1;
    const members = NEWEST_FIRST.has(state)
      ? await client.zrevrange(key, options.offset, stop)
      : await client.zrange(key, String(options.offset), String(stop));
    if (members.length === 0) return [];
    return this.records(queue, members.map((member) => member.slice(17)));
  }

  async queues(): Promise<string[]> {
    await this.context.ready();
    return (await this.context.client.smembers(this.context.keys.queues())).sort();
  }

  async retry(queue: string, id: string): Promise<boolean> {
    const { keys, scripts, runner } = this.context;
    await this.context.ready();
    return (await runner.run('retry', queue, scripts.njRetryDead(...keys.scriptArgs(queue), id, 0), [{ id }])) === 1;
  }

  retryAllDead(queue: string): Promise<number> {
    const { keys, scripts } = this.context;
    return this.drainDead('retryAllDead', queue, () => scripts.njRetryDead(...keys.scriptArgs(queue), '', DEAD_CHUNK));
  }

  removeAllDead(queue: string): Promise<number> {
    const { keys, scripts } = this.context;
    return this.drainDead('removeAllDead', queue, () => scripts.njRemoveDead(...keys.scriptArgs(queue), DEAD_CHUNK));
  }

  async remove(queue: string, id: string): Promise<boolean> {
    const { keys, scripts, runner } = this.context;
    await this.context.ready();
    return (await runner.run('remove', queue, scripts.njRemove(...keys.scriptArgs(queue), id), [{ id }])) === 1;
  }

  async pause(queue: string): Promise<void> {
    await this.context.ready();
    await this.context.client.set(this.context.keys.paused(queue), '1');
  }

  async resume(queue: string): Promise<void> {
    const { keys, scripts, runner } = this.context;
    await this.context.ready();
    await runner.run('resume', queue, scripts.njResume(...keys.scriptArgs(queue)));
  }

  async isPaused(queue: string): Promise<boolean> {
    await this.context.ready();
    return (await this.context.client.exists(this.context.keys.paused(queue))) === 1;
  }

  /** Runs a dead-jobs script (at most DEAD_CHUNK jobs per call) until it finds none; returns the total. */
  private async drainDead(operation: string, queue: string, call: () => Promise<unknown>): Promise<number> {
    const { client, keys, runner } = this.context;
    await this.context.ready();
    let total = 0;
    for (;;) {
      const count = Number(await runner.run(operation, queue, call(), async () => {
        // Members are "<seq16>:<id>" (keys.ts).
        const members = await client.zrange(keys.stateKey(queue, 'dead'), '0', String(DEAD_CHUNK - 1)).catch((): string[] => []);
        return members.map((member) => member.slice(17));
      }));
      if (count === 0) return total;
      total += count;
    }
  }

  /** Each job's hash and payload string in one round trip; a job that is gone is left out. */
  private async records(queue: string, ids: string[]): Promise<JobRecord[]> {
    const { client, keys } = this.context;
    const pipeline = client.pipeline();
    ids.forEach((id) => pipeline.hgetall(keys.job(queue, id)).get(keys.payload(queue, id)));
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, index) => {
      const [hashError, hash] = replies[2 * index] ?? [new Error('no reply'), undefined];
      if (hashError) throw hashError;
      const fields = hash as Record<string, string>;
      if (!fields.s) return [];
      // A hash field 'p' is a record written before payloads moved to their own key.
      const payload = replies[2 * index + 1]?.[1];
      return [decodeJob(queue, id, fields.p === undefined && typeof payload === 'string' ? { ...fields, p: payload } : fields)];
    });
  }
}
