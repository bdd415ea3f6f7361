import type { Cluster } from 'ioredis';
import { hashSlot } from './hash-slot.js';
import type { KeySchema } from './keys.js';
import { NodeEventFeed, type StreamCursor, type StreamEntries } from './node-event-feed.js';
import { compareStreamIds, cursorBefore } from './stream-ids.js';

/** How often queues are checked against the slot map, besides on ioredis' 'refresh' (a queue not placed yet waits for it). */
const PLACE_MS = 5_000;
/**
 * Every this many checks (30 s), every queue is read even without an invalidation. A
 * safety net only: a reconnect already re-reads everything, and an invalidation is not
 * known to get lost otherwise. 200 queues cost ~7 XREADs/s here (a blocking reader per
 * queue re-issued ~200/s when idle).
 */
const READ_ALL_EVERY = 6;

/**
 * The event feed on Redis Cluster: each queue's stream is read by the feed of
 * the master holding its slot (node-event-feed.ts), so the connections are two
 * per master whatever the number of queues. A queue follows its slot when
 * the slot map changes (failover, resharding), with its cursor: an entry read
 * on the old node and again on the new one is delivered once, in order.
 */
export class ClusterEventFeed {
  private readonly cursors = new Map<string, StreamCursor>();
  /** Queues whose start is being asked for. */
  private readonly starting = new Set<string>();
  /** Server time of each master, asked once per feed (see add). */
  private readonly nodeTimes = new Map<string, Promise<number>>();
  private readonly placed = new Map<StreamCursor, NodeEventFeed>();
  private readonly feeds = new Map<string, NodeEventFeed>();
  private readonly safety: NodeJS.Timeout;
  private checks = 0;
  private refreshing = false;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly keys: KeySchema,
    private readonly deliver: (queue: string, fields: string[]) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    cluster.on('refresh', this.placeAll);
    this.safety = setInterval(() => {
      this.placeAll();
      if (++this.checks % READ_ALL_EVERY === 0) this.feeds.forEach((feed) => feed.readAll());
    }, PLACE_MS);
    this.safety.unref();
  }

  /**
   * Reads `queue`'s events from `startMs` (the subscription, server clock) on; a queue
   * already read keeps its cursor. That clock may be another node's, ahead of the
   * queue's node: the earlier of it and the queue node's time is kept, read on the
   * connection the queue's commands use, so the start is before any event this
   * process writes to the queue afterwards. One TIME per node serves all its queues.
   */
  add(queue: string, startMs: Promise<number>): void {
    if (this.closed || this.cursors.has(queue) || this.starting.has(queue)) return;
    this.starting.add(queue);
    const stream = this.keys.events(queue);
    void Promise.all([startMs, this.nodeTime(stream)]).then(([start, now]) => {
      if (this.closed) return;
      const cursor: StreamCursor = { queue, stream, id: cursorBefore(Math.min(start, now)) };
      this.cursors.set(queue, cursor);
      this.place(cursor);
    }, () => {
      // Reported by nodeTime; the registry's next look (every 5 s) adds the queue again.
    }).finally(() => this.starting.delete(queue));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.safety);
    this.cluster.off('refresh', this.placeAll);
    this.feeds.forEach((feed) => feed.close());
    this.feeds.clear();
    this.placed.clear();
    this.cursors.clear();
  }

  private readonly placeAll = (): void => {
    if (this.closed) return;
    this.cursors.forEach((cursor) => this.place(cursor));
    for (const [node, feed] of this.feeds) {
      if (feed.size > 0) continue;
      feed.close();
      this.feeds.delete(node);
    }
  };

  /** Hands `cursor` to the feed of the master that serves its slot now (none while the slot map is unknown). */
  private place(cursor: StreamCursor): void {
    const node = this.cluster.slots[hashSlot(cursor.stream)]?.[0];
    const feed = node === undefined ? undefined : this.feedOf(node);
    const current = this.placed.get(cursor);
    if (feed === current) return;
    current?.remove(cursor);
    this.placed.delete(cursor);
    if (!feed) return;
    this.placed.set(cursor, feed);
    feed.add(cursor);
  }

  private feedOf(node: string): NodeEventFeed | undefined {
    const existing = this.feeds.get(node);
    if (existing) return existing;
    // The cluster's own connection to the node carries its address as ioredis resolved it (natMap) and its options.
    const template = this.cluster.nodes('master').find((redis) => `${redis.options.host}:${redis.options.port}` === node);
    if (!template) return undefined;
    const feed = new NodeEventFeed(template, {
      onEntries: this.onEntries,
      onMoved: () => this.refreshSlots(),
      onError: this.onError,
    });
    this.feeds.set(node, feed);
    return feed;
  }

  private readonly onEntries = (cursor: StreamCursor, entries: StreamEntries): void => {
    for (const [id, fields] of entries) {
      // Only across a move can two nodes' reads of one stream overlap: what was delivered is skipped.
      if (compareStreamIds(id, cursor.id) <= 0) continue;
      cursor.id = id;
      this.deliver(cursor.queue, fields);
    }
  };

  private nodeTime(key: string): Promise<number> {
    const node = this.cluster.slots[hashSlot(key)]?.[0];
    const known = node === undefined ? undefined : this.nodeTimes.get(node);
    if (known) return known;
    const time = this.cluster.eval("return redis.call('TIME')", 1, key).then((reply) => {
      const [seconds, micros] = reply as [string, string];
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    });
    if (node !== undefined) this.nodeTimes.set(node, time);
    time.catch((error: unknown) => {
      if (node !== undefined) this.nodeTimes.delete(node);
      if (!this.closed) this.onError(new Error(`the event feed could not read the time of the node serving ${key} (its queues are tried again within 5 s): ${String(error)}`, { cause: error }));
    });
    return time;
  }

  /** A node answered MOVED: ask ioredis for the slot map again; its 'refresh' event places the queues anew. */
  private refreshSlots(): void {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    this.cluster.refreshSlotsCache(() => {
      this.refreshing = false;
    });
  }
}
