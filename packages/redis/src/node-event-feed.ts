import type { Redis } from 'ioredis';
import { duplicateForNode } from './connection.js';

const INVALIDATE_CHANNEL = '__redis__:invalidate';
/** Entries per queue and read; a full batch is read again at once. */
const BATCH = 500;
/** Without CLIENT TRACKING (refused by an ACL, a proxy, Redis before 6), every queue is read this often. */
const POLL_MS = 100;
/** Pause after a read failed as a whole, so a node that keeps failing is not read in a tight loop. */
const RETRY_MS = 500;

export type StreamEntries = Array<[string, string[]]>;
type StreamReply = Array<[string, StreamEntries]> | null;

/** A queue's place in its event stream: handed from node to node when its slot moves. */
export interface StreamCursor {
  readonly queue: string;
  readonly stream: string;
  /** The last entry delivered; XREAD reads after it. */
  id: string;
}

export interface NodeFeedHooks {
  /** Entries read after `cursor.id`, oldest first. */
  onEntries(cursor: StreamCursor, entries: StreamEntries): void;
  /** The node no longer serves the stream's slot (MOVED, ASK): the slot map is stale. */
  onMoved(cursor: StreamCursor): void;
  onError(error: unknown): void;
}

/**
 * The Cluster event feed's share of one master node, on two connections
 * whatever the number of queues. An XREAD may not span slots and a blocking
 * one holds its connection, so instead: non-blocking XREADs, one per queue,
 * in one pipeline per round, paced by CLIENT TRACKING. Each XREAD makes the
 * node remember the stream for the reader connection; the node's first write
 * to it afterwards (an XADD from any script, any client) sends one
 * invalidation to the second connection, and only that queue is read again,
 * which re-arms it. So an idle feed costs the node nothing, a busy queue
 * costs one invalidation and one XREAD per round whatever the number of
 * events in between, and the job scripts are unchanged: tracking is the
 * node's bookkeeping, done only while somebody subscribes.
 * Rejected: polling every queue (hundreds of reads per interval, and the
 * interval is the latency); the wake-up channel (published on enqueue only,
 * once per burst, not on completion); sharded pub/sub from the scripts (one
 * more command per script run on the hot path, subscribed or not).
 * Invalidations are lost while either connection is down: after each
 * (re)connect tracking is switched on again and every queue is read.
 */
export class NodeEventFeed {
  private readonly cursors = new Map<string, StreamCursor>();
  private readonly dirty = new Set<StreamCursor>();
  private readonly reader: Redis;
  private readonly invalidations: Redis;
  private redirectId: string | undefined;
  private mode: 'arming' | 'tracking' | 'polling' = 'arming';
  private arming: Promise<void> = Promise.resolve();
  private poll: NodeJS.Timeout | undefined;
  private reading = false;
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(node: Redis, private readonly hooks: NodeFeedHooks) {
    this.reader = duplicateForNode(node, false);
    this.invalidations = duplicateForNode(node, true);
    this.invalidations.on('messageBuffer', this.invalidated);
    this.invalidations.on('ready', () => this.rearm(async () => {
      const id = await this.invalidations.client('ID');
      await this.invalidations.subscribe(INVALIDATE_CHANNEL);
      this.redirectId = String(id);
    }));
    this.reader.on('ready', () => this.rearm(() => Promise.resolve()));
    const paused = (): void => {
      if (this.mode === 'tracking') this.mode = 'arming';
    };
    this.reader.on('close', paused);
    this.invalidations.on('close', () => {
      this.redirectId = undefined; // the next connection has another id: tracking waits for it
      paused();
    });
  }

  get size(): number {
    return this.cursors.size;
  }

  add(cursor: StreamCursor): void {
    this.cursors.set(cursor.stream, cursor);
    this.dirty.add(cursor);
    this.schedule();
  }

  remove(cursor: StreamCursor): void {
    if (this.cursors.get(cursor.stream) === cursor) this.cursors.delete(cursor.stream);
    this.dirty.delete(cursor);
  }

  /** Reads every queue of the node once. */
  readAll(): void {
    this.cursors.forEach((cursor) => this.dirty.add(cursor));
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.poll);
    this.invalidations.off('messageBuffer', this.invalidated);
    this.reader.disconnect();
    this.invalidations.disconnect();
  }

  private readonly invalidated = (channel: Buffer, keys: unknown): void => {
    if (String(channel) !== INVALIDATE_CHANNEL) return;
    // No key list: the node was flushed, every stream may have changed.
    if (!Array.isArray(keys)) return this.readAll();
    for (const key of keys) {
      const cursor = this.cursors.get(String(key));
      if (cursor) this.dirty.add(cursor);
    }
    this.schedule();
  };

  /** Runs `step` (after any step under way), then switches tracking on and reads every queue. */
  private rearm(step: () => Promise<void>): void {
    this.arming = this.arming.then(step).then(() => this.track()).catch((error: unknown) => this.refused(error));
  }

  private async track(): Promise<void> {
    if (this.closed || this.mode === 'polling' || this.redirectId === undefined || this.reader.status !== 'ready') return;
    await this.reader.client('TRACKING', 'ON', 'REDIRECT', this.redirectId);
    this.mode = 'tracking';
    this.readAll();
  }

  /** A refusal by the server (not a lost connection, which the next 'ready' re-arms) makes the feed poll. */
  private refused(error: unknown): void {
    if (this.closed || !isRefusal(error) || this.mode === 'polling') return;
    // The invalidation connection dropped after its id was read: its next 'ready' arms again.
    if (/redirect/i.test(error.message) && this.redirectId === undefined) return;
    this.mode = 'polling';
    this.hooks.onError(new Error(`the event feed could not use CLIENT TRACKING (${error.message}): it reads every queue each ${POLL_MS} ms instead. With an ACL, grant +client|id +client|tracking +subscribe &${INVALIDATE_CHANNEL} (see redisAclRules).`, { cause: error }));
    this.poll = setInterval(() => this.readAll(), POLL_MS);
    this.poll.unref();
    this.readAll();
  }

  /** One read round soon; invalidations arriving in the same turn of the event loop share it. */
  private schedule(delayMs = 0): void {
    if (this.scheduled || this.reading || this.closed) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.retry = undefined;
      void this.read();
    };
    // setImmediate, not setTimeout(0): a timer waits at least 1 ms, on every event delivered.
    if (delayMs === 0) setImmediate(run);
    else this.retry = setTimeout(run, delayMs);
  }

  private async read(): Promise<void> {
    if (this.closed || this.mode === 'arming' || this.reader.status !== 'ready' || this.dirty.size === 0) return;
    this.reading = true;
    const batch = [...this.dirty];
    // Cleared before sending: an invalidation that overtakes this read's reply marks the queue again.
    this.dirty.clear();
    let retryMs = 0;
    try {
      const pipeline = this.reader.pipeline();
      for (const cursor of batch) pipeline.xread('COUNT', BATCH, 'STREAMS', cursor.stream, cursor.id);
      const replies = await pipeline.exec();
      batch.forEach((cursor, index) => {
        const [error, reply] = replies?.[index] ?? [new Error('no reply'), null];
        if (error) {
          retryMs = this.failed(cursor, error) ? RETRY_MS : retryMs;
          return;
        }
        if (this.cursors.get(cursor.stream) !== cursor) return; // moved to another node meanwhile
        const entries = (reply as StreamReply)?.[0]?.[1] ?? [];
        if (entries.length > 0) this.hooks.onEntries(cursor, entries);
        if (entries.length >= BATCH) this.dirty.add(cursor);
      });
    } catch (error) {
      batch.forEach((cursor) => this.failed(cursor, error));
      retryMs = RETRY_MS;
    } finally {
      this.reading = false;
    }
    if (this.dirty.size > 0) this.schedule(retryMs);
  }

  /** Returns whether to read the queue again (after a pause): only a lost connection is retried here. */
  private failed(cursor: StreamCursor, error: unknown): boolean {
    if (this.closed || this.cursors.get(cursor.stream) !== cursor) return false;
    const message = error instanceof Error ? error.message : String(error);
    if (/^(MOVED|ASK) /.test(message)) {
      // Read again after a pause until the slot map says where the stream is (a slot being migrated answers ASK
      // until the move completes, and a completed move writes nothing to the stream that would invalidate it).
      this.hooks.onMoved(cursor);
      this.dirty.add(cursor);
      return true;
    }
    if (isRefusal(error)) {
      // A refusal (a wrong-typed key, an ACL) would repeat: the slow safety read tries again.
      this.hooks.onError(new Error(`the event feed could not read ${cursor.stream}: ${message}`, { cause: error }));
      return false;
    }
    this.dirty.add(cursor);
    return true;
  }
}

/** An error reply from the server (ioredis' ReplyError), as opposed to a lost connection or a timeout. */
function isRefusal(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}
