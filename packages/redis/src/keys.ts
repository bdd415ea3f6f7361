import { isValidQueueName } from '@nest-jobs/core/driver';

/**
 * The whole key schema. Every key of a queue carries the hash tag
 * `{<prefix>:<queue>}`, so one script touches one Redis Cluster slot; the
 * prefix keeps applications that share a server apart.
 *
 *   {p:q}:job:<id>     HASH  one job (short field names, see codec.ts), all but its payload
 *   {p:q}:pl:<id>      STRING the job's payload JSON: apart, so the hash keeps Redis's compact
 *                      listpack encoding (one value over 64 bytes turns a hash into a hashtable)
 *   {p:q}:waiting      ZSET  "<seq16>:<id>" by -priority (FIFO by member among equals)
 *   {p:q}:delayed      ZSET  by run time
 *   {p:q}:active       ZSET  by lease expiry
 *   {p:q}:completed    ZSET  by finish time
 *   {p:q}:dead         ZSET  by finish time
 *   {p:q}:paused       STRING flag
 *   {p:q}:seq          counter for members; {p:q}:token is no longer written (fencing tokens are
 *                      random per fetch, so they never repeat after Redis lost writes)
 *   {p:q}:events       STREAM of job events, up to ~50 per entry (one script run), ~10k events kept
 *   {p:q}:marker       LIST  one element, for a few s after idle workers were told; fetch clears it
 *   {p:q}:wake         pub/sub CHANNEL (not a key): the scripts publish on it to wake idle
 *                      workers; every process listens to all of them with one PSUBSCRIBE {p:*}:wake
 *   {p:q}:schedule:<n> HASH  paused, lastTickAt, lastJobId of a schedule whose jobs go to q
 *   {p}:queues         SET   names of known queues (admin only, never on the hot path)
 */
export class KeySchema {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) {
      throw new Error(`RedisDriver: prefix must be 1–64 characters of letters, digits, "_", ".", ":" or "-" (got ${JSON.stringify(prefix)}).`);
    }
  }

  /** The fixed keys of a queue, in the order every Lua script expects them. */
  queueKeys(queue: string): string[] {
    const base = this.base(queue);
    return ['waiting', 'delayed', 'active', 'completed', 'dead', 'paused', 'seq', 'token', 'events', 'marker'].map((key) => `${base}:${key}`);
  }

  /** The leading arguments of every queue script call: the queue keys, then the job key prefix (ARGV[1]). */
  scriptArgs(queue: string): string[] {
    return [...this.queueKeys(queue), this.jobPrefix(queue)];
  }

  jobPrefix(queue: string): string {
    return `${this.base(queue)}:job:`;
  }

  job(queue: string, id: string): string {
    return this.jobPrefix(queue) + id;
  }

  payload(queue: string, id: string): string {
    return `${this.base(queue)}:pl:${id}`;
  }

  stateKey(queue: string, state: string): string {
    return `${this.base(queue)}:${state}`;
  }

  events(queue: string): string {
    return `${this.base(queue)}:events`;
  }

  marker(queue: string): string {
    return `${this.base(queue)}:marker`;
  }

  /** The pattern matching every queue's wake-up channel (see lua/includes/wake.lua). */
  wakePattern(): string {
    return `{${this.prefix}:*}:wake`;
  }

  /** The queue a wake-up channel belongs to, or undefined for another channel. */
  queueOfWakeChannel(channel: string): string | undefined {
    const head = `{${this.prefix}:`;
    return channel.startsWith(head) && channel.endsWith('}:wake') ? channel.slice(head.length, -'}:wake'.length) : undefined;
  }

  paused(queue: string): string {
    return `${this.base(queue)}:paused`;
  }

  schedule(queue: string, name: string): string {
    return `${this.base(queue)}:schedule:${name}`;
  }

  queues(): string {
    return `{${this.prefix}}:queues`;
  }

  private base(queue: string): string {
    if (!isValidQueueName(queue)) {
      throw new Error(`RedisDriver: queue name ${JSON.stringify(queue)} is invalid: use 1–100 characters without "{", "}", whitespace or control characters.`);
    }
    return `{${this.prefix}:${queue}}`;
  }
}
