import type { JobCounts, JobRecord, JobState, ListOptions, ScheduleRef, ScheduleState } from '@nest-jobs/core';
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
    const hash = await this.client.hgetall(this.keys.job(queue, id));
    return hash.s ? decodeJob(queue, id, hash) : null;
  }

  async counts(queue: string): Promise<JobCounts> {
    const multi = this.client.multi();
    STATES.forEach((state) => multi.zcard(this.keys.stateKey(queue, state)));
    const replies = (await multi.exec()) ?? [];
    const [waiting, delayed, active, completed, dead] = replies.map(([, count]) => Number(count));
    return { waiting: waiting!, delayed: delayed!, active: active!, completed: completed!, dead: dead! };
  }

  async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    const key = this.keys.stateKey(queue, state);
    const stop = options.offset + options.limit - 1;
    const members = NEWEST_FIRST.has(state)
      ? await this.client.zrevrange(key, options.offset, stop)
      : await this.client.zrange(key, String(options.offset), String(stop));
    if (members.length === 0) return [];
    const pipeline = this.client.pipeline();
    const ids = members.map((member) => member.slice(17));
    ids.forEach((id) => pipeline.hgetall(this.keys.job(queue, id)));
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, index) => {
      const hash = replies[index]?.[1] as Record<string, string> | undefined;
      return hash?.s ? [decodeJob(queue, id, hash)] : [];
    });
  }

  async queues(): Promise<string[]> {
    return (await this.client.smembers(this.keys.queues())).sort();
  }

  /** ms until the earliest delayed job of these queues is due (server clock), if any. */
  async nextDueIn(queues: string[]): Promise<number | undefined> {
    const pipeline = this.client.pipeline();
    pipeline.time();
    queues.forEach((queue) => pipeline.zrange(this.keys.stateKey(queue, 'delayed'), '0', '0', 'WITHSCORES'));
    const replies = (await pipeline.exec()) ?? [];
    const [seconds, micros] = (replies[0]?.[1] as [string, string] | undefined) ?? ['0', '0'];
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    let earliest: number | undefined;
    for (const [, reply] of replies.slice(1)) {
      const score = (reply as string[] | undefined)?.[1];
      if (score !== undefined) earliest = Math.min(earliest ?? Infinity, Number(score));
    }
    return earliest === undefined ? undefined : Math.max(0, earliest - now);
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
