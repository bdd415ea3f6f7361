import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { watchCommands } from './command-watchdog.js';

/** How RedisDriver reaches Redis: a URL, ioredis options, or a client you own. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /** ioredis options (standalone) or `{ nodes, ...ClusterOptions }` for Redis Cluster. */
  connection?: RedisOptions | (ClusterOptions & { nodes: Array<{ host: string; port: number }> });
  /** An existing client; the driver does not close it, and duplicates it for blocking reads. */
  client?: Redis | Cluster;
  /** ms of silence from Redis, while it owes replies, before its pending commands fail. Default 2000. */
  commandTimeoutMs?: number;
}

export type AnyClient = Redis | Cluster;

/** Reconnect quickly at first, then every 2 s: workers resume by themselves when Redis returns. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2_000);

/**
 * The command client: no offline queue, so while Redis is down a call fails
 * at once instead of piling up in memory, and a watchdog (not ioredis'
 * per-command timer, see command-watchdog.ts) fails calls to a server that
 * stopped answering.
 */
export function createClient(options: RedisConnectionOptions): { client: AnyClient; owned: boolean } {
  if (options.client) return { client: options.client, owned: false };
  const client = createOwnedClient(options);
  watchCommands(client, options.commandTimeoutMs ?? 2_000);
  return { client, owned: true };
}

function createOwnedClient(options: RedisConnectionOptions): AnyClient {
  const common: RedisOptions = {
    // No auto-pipelining: with the offline queue off, ioredis 6 throws from a
    // timer (an uncaught error) when an auto-pipeline flushes while
    // disconnected. The driver batches by itself (enqueue coalescing, acks).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
    lazyConnect: true,
  };
  const connection = options.connection;
  if (connection && 'nodes' in connection) {
    const { nodes, ...clusterOptions } = connection;
    return new Cluster(nodes, { ...clusterOptions, enableOfflineQueue: false, lazyConnect: true, clusterRetryStrategy: retryStrategy, redisOptions: { ...common, ...clusterOptions.redisOptions } });
  }
  // The driver decodes replies in ioredis' legacy shape, whatever the caller asked for.
  const merged = { ...common, ...(connection as RedisOptions | undefined), replyMapping: 'legacy' as const };
  return options.url ? new ExplainingRedis(options.url, merged) : new ExplainingRedis(merged);
}

/**
 * ioredis rejects a failed connect() with only "Connection is closed.": the
 * reason (a certificate that did not verify, a refused port, a wrong
 * password) went to an 'error' event nobody reads. This client puts it back
 * into the rejection, so open() can say what to fix.
 */
class ExplainingRedis extends Redis {
  override async connect(): Promise<void> {
    let reason: Error | undefined;
    const remember = (error: Error): void => {
      reason ??= error;
    };
    this.on('error', remember);
    try {
      await super.connect();
    } catch (error) {
      if (!reason || !(error instanceof Error) || !/^Connection is closed/.test(error.message)) throw error;
      // The socket's error (with its TLS code) is the cause worth keeping; ioredis' own says nothing more.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`Connection is closed: ${reason.message}${tlsHint(reason)}`, { cause: reason });
    } finally {
      this.off('error', remember);
    }
  }
}

function tlsHint(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return ` (${code}); connect by a host name the server's certificate lists, or set connection: { tls: { servername } }`;
  if (/CERT|SELF_SIGNED/.test(code)) return ` (${code}); the server's TLS certificate did not verify: pass the CA that signed it as connection: { tls: { ca } }`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return ` (${code}); the server does not speak TLS on this port: use redis:// or its TLS port`;
  return '';
}

/**
 * A connection for blocking reads (BLPOP, XREAD BLOCK): they must not share a
 * socket with ordinary commands, and need a timeout longer than their block.
 * It has nothing to flush, so disconnect() destroys its socket at once instead
 * of waiting up to 2 s (ioredis' disconnectTimeout) for the server to close a
 * socket it is blocked on, a timer that held the process after app.close().
 */
export function duplicateForBlocking(client: AnyClient, blockMs: number): AnyClient {
  const extra = {
    enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: blockMs + 5_000, retryStrategy, lazyConnect: false, disconnectTimeout: 0,
  };
  const duplicate = client instanceof Cluster
    ? client.duplicate(undefined, { enableOfflineQueue: true, redisOptions: { ...client.options.redisOptions, ...extra } })
    : client.duplicate(extra);
  // Failures surface on the pending command; ioredis reconnects by itself.
  duplicate.on('error', () => undefined);
  return duplicate;
}

/**
 * A standalone connection for pub/sub: offline queue on (a subscription made
 * while Redis is away waits for it), no auto-resubscribe (the caller
 * resubscribes on each 'ready', to know when a gap may have lost messages).
 */
export function duplicateForSubscribing(client: Redis): Redis {
  const duplicate = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: 5_000, retryStrategy, lazyConnect: false, autoResubscribe: false });
  duplicate.on('error', () => undefined);
  return duplicate;
}

/**
 * A connection of the Cluster event feed to one master node (node-event-feed.ts),
 * made from the cluster's own connection to it (same address, TLS, credentials).
 * It reconnects by itself while the node is away, where the cluster's node
 * connections wait for a MOVED instead. No offline queue: the feed reads only
 * once the connection is ready and tracking is on again. `invalidations`: the
 * connection that receives CLIENT TRACKING invalidations, on RESP2, where they
 * arrive as pub/sub messages (ioredis drops RESP3 invalidation pushes), and
 * without auto-resubscribe (its client id must be read before it subscribes).
 */
export function duplicateForNode(node: Redis, invalidations: boolean): Redis {
  const duplicate = node.duplicate({
    enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 5_000, retryStrategy, lazyConnect: false, disconnectTimeout: 0, readOnly: false,
    ...(invalidations ? { protocol: 2 as const, autoResubscribe: false } : {}),
  });
  duplicate.on('error', () => undefined);
  return duplicate;
}

/** Where the driver connects, for messages: never the password. */
export function describeTarget(options: RedisConnectionOptions): string {
  if (options.url) {
    try {
      const url = new URL(options.url);
      return `${url.protocol}//${url.host}`;
    } catch {
      return 'an invalid REDIS_URL';
    }
  }
  const connection = options.connection;
  if (connection && 'nodes' in connection) return `cluster ${connection.nodes.map((node) => `${node.host}:${node.port}`).join(',')}`;
  const standalone = connection as RedisOptions | undefined;
  return `redis://${standalone?.host ?? '127.0.0.1'}:${standalone?.port ?? 6379}`;
}

/**
 * Resolves once a connection already under way is ready: on a lazy client,
 * ioredis connects by itself on the first command (e.g. a subscription made
 * before open()), and connect() then refuses to start another.
 */
export function whenReady(client: AnyClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onEnd = (): void => settle(new Error('Connection is closed.'));
    client.once('ready', onReady);
    client.once('error', onError);
    client.once('end', onEnd);
  });
}
