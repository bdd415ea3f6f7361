import { whenReady, type AnyClient } from './connection.js';
import { unreachable } from './redis-unavailable.error.js';
import { checkServer, type DriverLogger } from './server-check.js';

/**
 * Connects once (checking the server), counts the apps that opened the
 * driver, and closes connections with the last one.
 */
export class RedisLifecycle {
  private opening: Promise<void> | undefined;
  private connected = false;
  /** Apps using this driver (each opened it once): connections close with the last one. */
  private users = 0;
  private closed = false;

  constructor(
    private readonly client: AnyClient,
    private readonly owned: boolean,
    private readonly target: string,
    private readonly logger: DriverLogger,
  ) {}

  async open(): Promise<void> {
    if (this.closed) throw new Error(`RedisDriver (${this.target}): open() after the last close(); create a new driver`);
    await this.connect();
    this.users++;
  }

  /** Undoes one open(); the last one runs `stop` (the parts' timers and subscriptions), then quits. */
  async close(stop: () => Promise<void>): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.closed) return;
    this.closed = true;
    await stop();
    if (this.owned) await this.client.quit().catch(() => this.client.disconnect());
  }

  /** Until the first connect succeeds, every call waits for it (with no offline queue it would fail at once). */
  readonly ready = async (): Promise<void> => {
    if (!this.connected) await this.connect();
  };

  private connect(): Promise<void> {
    this.opening ??= (async () => {
      const connecting = this.client.status === 'wait' ? this.client.connect() : this.client.status === 'ready' ? undefined : whenReady(this.client);
      await connecting?.catch((error: unknown) => { throw unreachable(this.target, 'connect', error); });
      await checkServer(this.client, this.logger, this.target);
      this.connected = true;
    })();
    this.opening.catch(() => (this.opening = undefined));
    return this.opening;
  }
}
