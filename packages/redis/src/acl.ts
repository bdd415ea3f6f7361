import { KeySchema } from './keys.js';

/**
 * Every command RedisDriver sends on a standalone server, by the reason it
 * sends it. A Lua script runs with its caller's permissions, so the commands
 * the scripts call are granted too. Redis Cluster additionally needs
 * `+cluster|slots +cluster|info` (ioredis reads the slot map and cluster state).
 */
export const REDIS_ACL_COMMANDS = {
  /** Every state change is one script; EVAL only when the server lost its script cache (restart) and for nothing else. */
  scripts: ['evalsha', 'eval'],
  /** Called from inside the Lua scripts. */
  scriptBodies: ['set', 'hget', 'hgetall', 'hmget', 'hset', 'hdel', 'hexists', 'hlen', 'del', 'exists', 'get', 'incr', 'incrby', 'llen', 'lpush', 'rpush', 'lrange', 'ltrim', 'lrem', 'pexpire', 'pttl', 'publish', 'time', 'xadd', 'xlen', 'zadd', 'zcard', 'zrange', 'zrangebyscore', 'zrem',
    // flow control (lua/includes/lanes.lua): running sets, rate windows, lane turns
    'sadd', 'srem', 'scard', 'zremrangebyscore', 'zscore',
    // job dependencies (lua/unblock.lua): a blocked job's count of dependencies left
    'hincrby'],
  /** Job dependencies (redis-dependencies.ts): existence checks at enqueue, dependency lists, the hand-over records' sweep. */
  dependencies: ['hexists', 'hmget', 'hget', 'hgetall', 'hscan', 'hdel', 'zrangebyscore'],
  /** The event feed (XREAD on a queue's stream). */
  blockingReads: ['xread'],
  /**
   * The event feed on Redis Cluster: CLIENT TRACKING tells it which streams changed, on
   * the channel `__redis__:invalidate` (see node-event-feed.ts). Without them it polls.
   */
  eventTracking: ['client|id', 'client|tracking', 'subscribe'],
  /** Idle workers: one PSUBSCRIBE to every queue's wake-up channel (`{prefix:*}:wake`). */
  pubsub: ['psubscribe', 'punsubscribe'],
  /** Admin API, readiness checks, the queue registry, and naming the key when a script refused a wrong-typed one. */
  reads: ['get', 'hgetall', 'hmget', 'zcard', 'zrange', 'zrevrange', 'smembers', 'exists', 'time', 'type', 'scard', 'zcount'],
  /** Pause, schedule pause, queue registry; an idle worker's readiness read clears the wake marker (DEL). */
  writes: ['set', 'hset', 'sadd', 'del'],
  /** Runtime schedules (redis-runtime-schedules.ts): one MULTI per change, announced on the schedules channel. */
  runtimeSchedules: ['hget', 'hgetall', 'hset', 'hdel', 'incr', 'get', 'publish'],
  /** The readiness read is one transaction, so clearing the marker cannot miss a job enqueued in between. */
  transactions: ['multi', 'exec'],
  /** ioredis' ready check after (re)connecting and the driver's eviction-policy check both read INFO. */
  server: ['info'],
} as const satisfies Record<string, readonly string[]>;

/**
 * The least-privilege Redis ACL for a RedisDriver with `prefix`: its keys
 * only, its wake-up channels and the tracking channel only, and only the
 * commands in REDIS_ACL_COMMANDS.
 * Use as `ACL SETUSER <user> on ><password> ${redisAclRules(prefix).join(' ')}`.
 * Note that prefix `app` also covers the keys of prefix `app:staging`.
 */
export function redisAclRules(prefix = 'nj'): string[] {
  const keys = new KeySchema(prefix); // validates the prefix: none of its characters is a glob pattern character
  const commands = [...new Set(Object.values(REDIS_ACL_COMMANDS).flat())];
  return ['resetkeys', `~{${keys.prefix}:*`, `~${keys.queues()}`, 'resetchannels', `&${keys.wakePattern()}`, '&__redis__:invalidate', '-@all', ...commands.map((command) => `+${command}`)];
}
