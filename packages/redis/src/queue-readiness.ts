import type { AnyClient } from './connection.js';
import type { KeySchema } from './keys.js';

/** What an idle worker needs to know about its queues before it blocks. */
export class QueueReadiness {
  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
  ) {}

  /**
   * Whether one of these queues has a job to fetch now (waiting, not paused),
   * and else in how many ms the earliest delayed job falls due or the
   * earliest lease runs out (server clock). It also clears each queue's wake
   * marker, in the same transaction: the reader is about to wait for a
   * wake-up, so the next write must publish one. A marker left by a wake-up
   * nobody received (published before this process subscribed) would
   * otherwise keep every enqueue quiet until it expires.
   */
  async read(queues: string[]): Promise<{ ready: boolean; dueIn?: number }> {
    // One transaction per queue: on Redis Cluster one may not span slots.
    const perQueue = await Promise.all(queues.map(async (queue) => {
      const pipeline = this.client.multi();
      pipeline.time();
      pipeline.exists(this.keys.paused(queue));
      // A priority listed here has a waiting list: fetch removes a priority once its list is empty.
      pipeline.zcard(this.keys.key(queue, 'v2:priorities'));
      // Lanes of limited jobs: maybe ready (fetch tells whether a limit holds them back, and until when).
      pipeline.zcard(this.keys.flow(queue, 'lanes'));
      pipeline.zrange(this.keys.key(queue, 'v2:delayed'), '0', '0', 'WITHSCORES');
      pipeline.zrange(this.keys.key(queue, 'v2:active'), '0', '0', 'WITHSCORES');
      pipeline.del(this.keys.marker(queue));
      const [time, paused, waiting, lanes, delayed, active] = ((await pipeline.exec()) ?? []).map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
      const [seconds, micros] = time as [string, string];
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      // Wake when a delayed job falls due or the earliest lease runs out (its worker may have died).
      const times = [(delayed as string[])[1], (active as string[])[1]].filter((score) => score !== undefined).map(Number);
      return { ready: paused !== 1 && Number(waiting) + Number(lanes) > 0, dueIn: times.length ? Math.max(0, Math.min(...times) - now) : undefined };
    }));
    if (perQueue.some((queue) => queue.ready)) return { ready: true };
    const dueIns = perQueue.flatMap((queue) => (queue.dueIn === undefined ? [] : [queue.dueIn]));
    return { ready: false, dueIn: dueIns.length ? Math.min(...dueIns) : undefined };
  }
}
