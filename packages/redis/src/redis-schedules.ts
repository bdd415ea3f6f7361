import type { ScheduleRef, SchedulePort, ScheduleState, TickOutcome, TickRequest } from '@nest-jobs/core/driver';
import type { DriverContext } from './driver-context.js';
import { enqueueTickScript } from './lua/producer.scripts.js';
import { checkJobName } from './record-codec.js';
import { waitingLists } from './key-diagnosis.js';

/** The scheduler's side of RedisDriver: exactly-once ticks and per-schedule state, kept beside each schedule's queue. */
export class RedisSchedules implements SchedulePort {
  constructor(
    private readonly context: DriverContext,
    private readonly remember: (queues: string[]) => Promise<void>,
    /** A tick was enqueued: idle workers here may fetch at once. */
    private readonly notify: (queue: string) => void,
  ) {}

  async enqueueTick(request: TickRequest): Promise<TickOutcome> {
    const { keys, runner } = this.context;
    await this.context.ready();
    const { job } = request;
    checkJobName(job.name);
    await this.remember([job.queue]);
    await this.context.layout.ensure(job.queue);
    const scheduleKey = keys.schedule(job.queue, request.schedule);
    const outcome = await runner.call(enqueueTickScript, job.queue, request, [{ key: scheduleKey, type: 'hash', what: `schedule "${request.schedule}"` }, ...waitingLists(keys, job.queue, [job.priority])]);
    if (outcome === 'enqueued') this.notify(job.queue);
    return outcome;
  }

  async scheduleStates(schedules: ScheduleRef[]): Promise<Record<string, ScheduleState>> {
    const { client, keys } = this.context;
    await this.context.ready();
    const pipeline = client.pipeline();
    schedules.forEach(({ name, queue }) => pipeline.hgetall(keys.schedule(queue, name)));
    const replies = (await pipeline.exec()) ?? [];
    // A pipeline reports each command's failure in its reply: an outage must not read as "no state".
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
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

  async setSchedulePaused(schedule: ScheduleRef, paused: boolean): Promise<void> {
    await this.context.ready();
    await this.context.client.hset(this.context.keys.schedule(schedule.queue, schedule.name), 'paused', paused ? '1' : '0');
  }
}
