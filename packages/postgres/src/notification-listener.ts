import type pg from 'pg';

/** What a listener hands notifications to. */
export interface NotificationHandlers {
  /** A notification on one of the channels, in commit order. */
  notify(channel: string, payload: string): void;
  /** The connection was lost and is back: notifications may have been missed meanwhile. */
  reconnected(): void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * One pooled connection that LISTENs on the driver's channels for as long as
 * the driver is open, and reconnects with backoff when the connection drops.
 * (LISTEN is per connection, so it cannot share the pool's others.)
 */
export class NotificationListener {
  private client: pg.PoolClient | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channels: readonly string[],
    private readonly handlers: NotificationHandlers,
    private readonly warn: (message: string) => void,
  ) {}

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    // Destroyed, not returned: a pooled connection must not keep listening for the next borrower.
    client?.release(true);
    return Promise.resolve();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    if (this.closed) {
      client.release(true);
      return;
    }
    const lost = (error?: Error): void => this.lost(client, error);
    client.on('notification', (message) => this.handlers.notify(message.channel, message.payload ?? ''));
    client.on('error', lost);
    client.on('end', lost);
    try {
      for (const channel of this.channels) await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
  }

  private lost(client: pg.PoolClient, error?: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    client.release(true);
    this.warn(`PostgresDriver: the LISTEN connection dropped (${error?.message ?? 'ended'}); reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.connect().then(() => {
        if (this.client) this.handlers.reconnected();
      }, () => {
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        this.scheduleReconnect();
      });
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
