import type { JobCounts, JobRecord, JobState, ListOptions, ScheduleRef, ScheduleState } from '@nest-jobs/core/driver';
import { decodeJob } from './codec.js';
import type { AnyClient } from './connection.js';
import type { KeySchema } from './keys.js';

const STATES: JobState[] = ['waiting', 'delayed', 'active', 'completed', 'dead'];
/** Listing order per state: completed and dead newest first, the rest in processing order. */
const NEWEST_FIRST = new Set<JobState>(['completed', 'dead']);

/** Read-only queries for the admin API: O(1) counts, paged lists, single jobs. */
export class RedisAdmin {
  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
  ) {}

  async getJob(queue: string, id: string): Promise<JobRecord | null> {
    return (await this.records(queue, [id]))[0] ?? null;
  }

  async counts(queue: string): Promise<JobCounts> {
    // A pipeline, not MULTI: at maxmemory Redis refuses every command queued in a MULTI (EXECABORT),
    // even reads, and counts are what an operator needs then. The price: a job moving between states
    // during the round trip may be counted in both.
    const pipeline = this.client.pipeline();
    STATES.forEach((state) => pipeline.zcard(this.keys.stateKey(queue, state)));
    const [waiting, delayed, active, completed, dead] = ((await pipeline.exec()) ?? []).map(([error, count]) => {
      if (error) throw error;
      return Number(count);
    });
    return { waiting: waiting!, delayed: delayed!, active: active!, completed: completed!, dead: dead! };
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const key = this.keys.stateKey(queue, state);
    const stop = options.offset + options.limit - 1;
    const members = NEWEST_FIRST.has(state)
      ? await this.client.zrevrange(key, options.offset, stop)
      : await this.client.zrange(key, String(options.offset), String(stop));
    if (members.length === 0) return [];
    return this.records(queue, members.map((member) => member.slice(17)));
  }

  /** Each job's hash and payload string in one round trip; a job that is gone is left out. */
  private async records(queue: string, ids: string[]): Promise<JobRecord[]> {
    const pipeline = this.client.pipeline();
    ids.forEach((id) => pipeline.hgetall(this.keys.job(queue, id)).get(this.keys.payload(queue, id)));
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

  async queues(): Promise<string[]> {
    return (await this.client.smembers(this.keys.queues())).sort();
  }

  /**
   * Whether one of these queues has a job to fetch now (waiting, not paused),
   * and else in how many ms the earliest delayed job falls due or the
   * earliest lease runs out (server clock).
   */
  async readiness(queues: string[]): Promise<{ ready: boolean; dueIn?: number }> {
    // One pipeline per queue: on Redis Cluster a pipeline may not span slots.
    const perQueue = await Promise.all(queues.map(async (queue) => {
      const pipeline = this.client.pipeline();
      pipeline.time();
      pipeline.exists(this.keys.paused(queue));
      pipeline.zcard(this.keys.stateKey(queue, 'waiting'));
      pipeline.zrange(this.keys.stateKey(queue, 'delayed'), '0', '0', 'WITHSCORES');
      pipeline.zrange(this.keys.stateKey(queue, 'active'), '0', '0', 'WITHSCORES');
      const [time, paused, waiting, delayed, active] = ((await pipeline.exec()) ?? []).map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
      const [seconds, micros] = time as [string, string];
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      // Wake when a delayed job falls due or the earliest lease runs out (its worker may have died).
      const times = [(delayed as string[])[1], (active as string[])[1]].filter((score) => score !== undefined).map(Number);
      return { ready: paused !== 1 && Number(waiting) > 0, dueIn: times.length ? Math.max(0, Math.min(...times) - now) : undefined };
    }));
    if (perQueue.some((queue) => queue.ready)) return { ready: true };
    const dueIns = perQueue.flatMap((queue) => (queue.dueIn === undefined ? [] : [queue.dueIn]));
    return { ready: false, dueIn: dueIns.length ? Math.min(...dueIns) : undefined };
  }

  async scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> {
    const pipeline = this.client.pipeline();
    schedules.forEach(({ name, queue }) => pipeline.hgetall(this.keys.schedule(queue, name)));
    const replies = (await pipeline.exec()) ?? [];
    const states: Record<string, ScheduleState> = {};
    schedules.forEach(({ name }, index) => {
      const hash = replies[index]?.[1] as Record<string, string> | undefined;
      if (!hash || Object.keys(hash).length === 0) return;
      const state: ScheduleState = { paused: hash.paused === '1' };
      if (hash.lastTickAt !== undefined) state.lastTickAt = Number(hash.lastTickAt);
      if (hash.lastJobId !== undefined) state.lastJobId = hash.lastJobId;
      states[name] = state;
    });
    return states;
  }
}
