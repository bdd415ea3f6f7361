import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** How RedisDriver reaches Redis: a URL, ioredis options, or a client you own. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url?: string;
  /** ioredis options (standalone) or `{ nodes, ...ClusterOptions }` for Redis Cluster. */
  connection?: RedisOptions | (ClusterOptions & { nodes: Array<{ host: string; port: number }> });
  /** An existing client; the driver does not close it, and duplicates it for blocking reads. */
  client?: Redis | Cluster;
  /** ms before a command fails while Redis is unreachable. Default 2000. */
  commandTimeoutMs?: number;
}

export type AnyClient = Redis | Cluster;

/** Reconnect quickly at first, then every 2 s: workers resume by themselves when Redis returns. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2_000);

/**
 * The command client: no offline queue, so while Redis is down a call fails
 * at once instead of piling up in memory, and a command timeout bounds a call
 * to a server that stopped answering.
 */
export function createClient(options: RedisConnectionOptions): { client: AnyClient; owned: boolean } {
  if (options.client) return { client: options.client, owned: false };
  const common: RedisOptions = {
    // No auto-pipelining: with the offline queue off, ioredis 6 throws from a
    // timer (an uncaught error) when an auto-pipeline flushes while
    // disconnected. The driver batches by itself (enqueue coalescing, acks).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    retryStrategy,
    lazyConnect: true,
  };
  const connection = options.connection;
  if (connection && 'nodes' in connection) {
    const { nodes, ...clusterOptions } = connection;
    return {
      client: new Cluster(nodes, { ...clusterOptions, enableOfflineQueue: false, lazyConnect: true, clusterRetryStrategy: retryStrategy, redisOptions: { ...common, ...clusterOptions.redisOptions } }),
      owned: true,
    };
  }
  const merged: RedisOptions = { ...common, ...(connection as RedisOptions | undefined) };
  return { client: options.url ? new Redis(options.url, merged) : new Redis(merged), owned: true };
}

/**
 * A connection for blocking reads (BLPOP, XREAD BLOCK): they must not share a
 * socket with ordinary commands, and need a timeout longer than their block.
 */
export function duplicateForBlocking(client: AnyClient, blockMs: number): AnyClient {
  const extra = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: blockMs + 5_000, retryStrategy, lazyConnect: false };
  const duplicate = client instanceof Cluster
    ? client.duplicate(undefined, { enableOfflineQueue: true, redisOptions: { ...client.options.redisOptions, ...extra } })
    : client.duplicate(extra);
  // Failures surface on the pending command; ioredis reconnects by itself.
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
