import { Cluster, type Redis } from 'ioredis';

type Connection = Pick<Redis, 'commandQueue'>;
type Watched = Redis | Cluster;

/**
 * Fails the commands of a connection whose server sent nothing for `timeoutMs`
 * while replies were owed, and only then.
 *
 * ioredis' own `commandTimeout` starts a timer per command. Two things made it
 * lie. A process whose event loop was blocked (a sync JSON parse, a CPU-bound
 * handler) runs that timer first when it wakes, before it reads the socket
 * where the reply has been waiting: Redis answered in a millisecond and the
 * call failed "Redis unreachable". And a deep pipeline (an audit reading
 * 80 000 states) timed out its last commands while the server was answering
 * the ones before. Here the clock measures silence, not age: it restarts
 * whenever the oldest pending command gets its reply, and a verdict waits one
 * turn of the event loop (setImmediate runs after the I/O poll) so a reply
 * already in the socket buffer always wins.
 */
export class CommandWatchdog {
  private timer: NodeJS.Timeout | undefined;
  /** Per connection: the oldest command owed a reply at the last look, and since when. */
  private readonly oldest = new WeakMap<Connection, { head: unknown; since: number }>();
  private readonly everyMs: number;

  constructor(private readonly client: Watched, private readonly timeoutMs: number) {
    // A verdict comes at most a quarter of the timeout late; never a busy loop for tiny timeouts.
    this.everyMs = Math.max(10, Math.min(250, Math.floor(timeoutMs / 4)));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.look(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private look(): void {
    const now = performance.now();
    const silent = connectionsOf(this.client).filter((connection) => this.silentSince(connection, now));
    if (silent.length === 0) return;
    setImmediate(() => {
      for (const connection of silent) this.failIfStillSilent(connection);
    });
  }

  /** True when the same command has been first in line for timeoutMs. */
  private silentSince(connection: Connection, now: number): boolean {
    const head = connection.commandQueue.peekFront();
    const seen = this.oldest.get(connection);
    if (!head) {
      if (seen) this.oldest.delete(connection);
      return false;
    }
    if (seen?.head !== head) {
      this.oldest.set(connection, { head, since: now });
      return false;
    }
    return now - seen.since >= this.timeoutMs;
  }

  private failIfStillSilent(connection: Connection): void {
    const seen = this.oldest.get(connection);
    const queue = connection.commandQueue;
    if (!seen || queue.peekFront() !== seen.head) return; // a reply was read meanwhile: the server is there
    seen.since = performance.now();
    const error = new Error(`Command timed out: Redis sent no reply for ${this.timeoutMs} ms`);
    // The commands stay queued (ioredis pairs replies with them in order); settled ones ignore a late reply.
    for (let index = 0; index < queue.length; index++) queue.peekAt(index)?.command.reject(error);
  }
}

function connectionsOf(client: Watched): Connection[] {
  return client instanceof Cluster ? client.nodes('all') : [client];
}

/** Watches `client` while it is connected; the timer never keeps the process alive. */
export function watchCommands(client: Watched, timeoutMs: number): CommandWatchdog {
  const watchdog = new CommandWatchdog(client, timeoutMs);
  client.on('connect', () => watchdog.start());
  client.on('end', () => watchdog.stop());
  return watchdog;
}
