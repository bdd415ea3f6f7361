import type { DriverEvent } from '@nest-jobs/core/driver';
import { Cluster } from 'ioredis';
import { ClusterEventFeed } from './cluster-event-feed.js';
import { decodeEvents } from './codec.js';
import type { AnyClient } from './connection.js';
import { duplicateForBlocking } from './connection.js';
import type { KeySchema } from './keys.js';
import { cursorBefore } from './stream-ids.js';

const BLOCK_MS = 1_000;
const BATCH = 500;
const QUEUE_REFRESH_MS = 5_000;
/**
 * Reading goes on this long after the last subscriber left: `handle.result()`
 * subscribes once per call, and a reader restarted per call cost a connection,
 * a TIME and a wait for the cursor each time.
 */
const LINGER_MS = 5_000;

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * Feeds every subscriber with job events from each queue's capped stream,
 * starting at the moment of the first subscription (server clock), in order
 * per queue, for every known queue (those this process uses, and those in
 * the queue registry, re-read every 5 s). Standalone: one blocking XREAD over
 * all of them. Cluster: an XREAD may not span slots, so a feed per master
 * node on two connections, whatever the number of queues (cluster-event-feed.ts).
 * Reading stops a few seconds after the last subscriber left (or at close),
 * so back-to-back subscriptions share one reader.
 */
export class EventReader {
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private readonly cursors = new Map<string, string>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly connections = new Set<AnyClient>();
  private clusterFeed: ClusterEventFeed | undefined;
  /** Cursors being read from the server clock: a loop with no cursor yet waits for one of these. */
  private readonly pendingCursors = new Set<Promise<unknown>>();
  private linger: NodeJS.Timeout | undefined;
  private readonly cluster: boolean;
  /** Server time (ms) of the first subscription: it starts the Cluster feed's cursors. */
  private startMs: Promise<number> | undefined;
  private startId: Promise<string> | undefined;
  private refresh: NodeJS.Timeout | undefined;
  private generation = 0;
  private closed = false;

  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
    private readonly knownQueues: () => Promise<string[]>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.cluster = client instanceof Cluster;
  }

  subscribe(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    clearTimeout(this.linger);
    this.linger = undefined;
    if (!this.startId && !this.closed) this.start();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0 || this.closed) return;
      clearTimeout(this.linger);
      this.linger = setTimeout(() => this.stop(), LINGER_MS);
      this.linger.unref();
    };
  }

  /** A queue whose events should be read (this process uses it, or the registry lists it). */
  addQueue(queue: string): void {
    if (this.closed || !this.startId || !this.startMs) return;
    if (this.clusterFeed) return this.clusterFeed.add(queue, this.startMs);
    if (this.cursors.has(queue)) return;
    const startId = this.startId;
    this.cursors.set(queue, '');
    const settled = startId.then((id) => {
      if (this.startId === startId && this.cursors.get(queue) === '') this.cursors.set(queue, id);
    }, this.onError);
    this.pendingCursors.add(settled);
    void settled.finally(() => this.pendingCursors.delete(settled));
    if (!this.loops.has('*')) {
      const generation = this.generation;
      this.loops.set('*', this.read(generation).finally(() => this.loops.delete('*')));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await Promise.allSettled([...this.loops.values()]);
  }

  private start(): void {
    this.generation++;
    this.startMs = this.client.time().then(([seconds, micros]) => Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
    this.startId = this.startMs.then(cursorBefore);
    this.startId.catch(() => undefined);
    if (this.cluster) {
      this.clusterFeed = new ClusterEventFeed(this.client as Cluster, this.keys, (queue, fields) => {
        for (const event of decodeEvents(queue, fields)) this.deliver(event);
      }, this.onError);
    }
    const discover = (): void => {
      this.knownQueues().then((queues) => queues.forEach((queue) => this.addQueue(queue)), this.onError);
    };
    discover();
    this.refresh = setInterval(discover, QUEUE_REFRESH_MS);
    this.refresh.unref();
  }

  private stop(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.generation++;
    clearInterval(this.refresh);
    this.refresh = undefined;
    this.startId = undefined;
    this.startMs = undefined;
    this.cursors.clear();
    this.clusterFeed?.close();
    this.clusterFeed = undefined;
    for (const connection of this.connections) connection.disconnect();
    this.connections.clear();
  }

  /** Standalone: one blocking loop over every queue with a cursor. */
  private async read(generation: number): Promise<void> {
    const connection = duplicateForBlocking(this.client, BLOCK_MS);
    this.connections.add(connection);
    try {
      while (!this.closed && this.generation === generation) {
        const queues = [...this.cursors.keys()].filter((queue) => this.cursors.get(queue));
        if (queues.length === 0) {
          // No cursor yet: wait for the one being read (not a fixed sleep, which every result() paid), or for a queue.
          await Promise.race([...this.pendingCursors, new Promise((resolve) => setTimeout(resolve, 200))]);
          continue;
        }
        try {
          const streams = queues.map((queue) => this.keys.events(queue));
          const ids = queues.map((queue) => this.cursors.get(queue)!);
          const reply = (await connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams, ...ids)) as StreamReply;
          if (this.generation !== generation) return;
          for (const [stream, entries] of reply ?? []) {
            const queue = queues[streams.indexOf(stream)]!;
            for (const [id, fields] of entries) {
              this.cursors.set(queue, id);
              for (const event of decodeEvents(queue, fields)) this.deliver(event);
            }
          }
        } catch (error) {
          if (this.closed || this.generation !== generation) return;
          this.onError(error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      this.connections.delete(connection);
      connection.disconnect();
    }
  }

  private deliver(event: DriverEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One failing subscriber must not stop the feed for the others.
      }
    }
  }
}
