import { Cluster } from 'ioredis';
import { duplicateForSubscribing, type AnyClient } from './connection.js';
import type { KeySchema } from './keys.js';

/**
 * The driver's one pub/sub subscription: `PSUBSCRIBE {prefix:*}:wake`, on
 * which the scripts publish a queue's wake-ups (lua/includes/wake.lua), whatever
 * the number of queues. Standalone: one connection of its own. Cluster: the
 * cluster client's own subscriber connection (PUBLISH reaches every node).
 * Pub/sub drops what is published while disconnected: after each reconnect
 * of the standalone connection `onResync` runs, so the caller re-checks its
 * queues; on Cluster ioredis moves the subscription by itself and the
 * caller's slow safety re-check covers that gap.
 */
export class WakeSubscriber {
  private connection: AnyClient | undefined;
  private subscribed: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly client: AnyClient,
    private readonly keys: KeySchema,
    private readonly onWake: (queue: string) => void,
    /** A running job was cancelled (message "c<id>" on its queue's channel, lua/cancel.lua). */
    private readonly onCancel: (queue: string, id: string) => void,
    private readonly onResync: () => void,
    private readonly onError: (error: unknown) => void,
    /** A runtime schedule was saved or removed (on the schedules channel, redis-runtime-schedules.ts). */
    private readonly onSchedules: () => void = () => undefined,
  ) {}

  /** Subscribes on the first call; resolves once the subscription is active (or at close). */
  start(): Promise<void> {
    this.subscribed ??= this.subscribe();
    return this.subscribed;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.off('pmessage', this.deliver);
    if (connection === this.client) await connection.punsubscribe(this.keys.wakePattern()).catch(() => undefined);
    else connection.disconnect();
  }

  private readonly deliver = (_pattern: string, channel: string, message: string): void => {
    if (channel === this.keys.schedulesChannel()) return this.closed ? undefined : this.onSchedules();
    const queue = this.keys.queueOfWakeChannel(channel);
    if (queue === undefined || this.closed) return;
    if (message.startsWith('c')) this.onCancel(queue, message.slice(1));
    else this.onWake(queue);
  };

  private async subscribe(): Promise<void> {
    if (this.client instanceof Cluster) {
      this.connection = this.client;
      this.client.on('pmessage', this.deliver);
      return this.psubscribe(this.client); // ioredis moves the subscription between nodes by itself
    }
    const connection = duplicateForSubscribing(this.client);
    this.connection = connection;
    connection.on('pmessage', this.deliver);
    await new Promise<void>((resolve) => {
      let first = true;
      connection.on('ready', () => {
        void this.psubscribe(connection).then(() => {
          if (!first && !this.closed) this.onResync();
          first = false;
          resolve();
        });
      });
    });
  }

  /** Subscribes; a refusal (an ACL from before this channel existed) is reported, never thrown: the re-check still runs. */
  private async psubscribe(connection: AnyClient): Promise<void> {
    const pattern = this.keys.wakePattern();
    await connection.psubscribe(pattern).catch((error: unknown) => {
      if (this.closed) return;
      this.onError(new Error(`idle workers could not subscribe to ${pattern} (${String(error)}): they notice new jobs only by the slow re-check. With an ACL, grant the channel: &${pattern} (see redisAclRules).`, { cause: error }));
    });
  }
}
