import type { DriverEvent } from '@nest-jobs/core';
import { decodeEvent } from './codec.js';
import type { AnyClient } from './connection.js';
import { duplicateForBlocking } from './connection.js';
import type { KeySchema } from './keys.js';

const BLOCK_MS = 1_000;
const BATCH = 500;
const QUEUE_REFRESH_MS = 5_000;

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * Feeds every subscriber with the events of every queue, from each queue's
 * capped stream, starting at the moment of the first subscription (server
 * clock). One blocking reader per queue keeps per-job order and works on
 * Redis Cluster. Reading stops when the last subscriber leaves.
 */
export class EventReader {
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private readonly cursors = new Map<string, string>();
  private readonly connections = new Map<string, AnyClient>();
  private readonly loops = new Map<string, Promise<void>>();
  private startId: Promise<string> | undefined;
  private refresh: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
    private readonly knownQueues: () => Promise<string[]>,
    private readonly onError: (error: unknown) => void,
  ) {}

  subscribe(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** A queue this process now uses: read its events too. */
  addQueue(queue: string): void {
    if (this.listeners.size === 0 || this.closed || this.loops.has(queue)) return;
    const loop = this.read(queue).finally(() => {
      this.loops.delete(queue);
      // A reader outlived an unsubscribe while a new subscription began: read this queue again.
      if (this.listeners.size > 0 && this.startId && !this.closed && !this.connections.has(queue)) this.addQueue(queue);
    });
    this.loops.set(queue, loop);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await Promise.allSettled([...this.loops.values()]);
  }

  private start(): void {
    this.startId = this.client.time().then(([seconds, micros]) => `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)}-0`);
    this.startId.catch(() => undefined);
    const discover = (): void => {
      this.knownQueues().then((queues) => queues.forEach((queue) => this.addQueue(queue)), this.onError);
    };
    discover();
    this.refresh = setInterval(discover, QUEUE_REFRESH_MS);
    this.refresh.unref();
  }

  private stop(): void {
    clearInterval(this.refresh);
    this.refresh = undefined;
    this.startId = undefined;
    this.cursors.clear();
    for (const connection of this.connections.values()) connection.disconnect();
    this.connections.clear();
  }

  private async read(queue: string): Promise<void> {
    const startId = this.startId;
    if (!startId) return;
    const connection = duplicateForBlocking(this.client, BLOCK_MS);
    this.connections.set(queue, connection);
    const stream = this.keys.events(queue);
    try {
      this.cursors.set(queue, await startId);
      while (!this.closed && this.listeners.size > 0 && this.connections.get(queue) === connection) {
        try {
          const reply = (await connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, this.cursors.get(queue)!)) as StreamReply;
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              this.cursors.set(queue, id);
              const event = decodeEvent(queue, fields);
              if (event) this.deliver(event);
            }
          }
        } catch (error) {
          if (this.closed || this.connections.get(queue) !== connection) return;
          this.onError(error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
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
