import { isValidQueueName } from '@nest-jobs/core/driver';

/** The queue's fixed keys, all in the hash tag of the jobs hash (lua/includes/keys.lua names them from it the same way). */
const QUEUE_KEYS = [
  'v2:jobs', 'v2:priorities', 'v2:delayed', 'v2:active', 'v2:completed', 'v2:dead',
  'paused', 'seq', 'events', 'marker', 'v2:results', 'v2:errors', 'v2:progress', 'v2:finished',
] as const;
/** Queues whose script heads KeySchema keeps (more are made again when asked). */
const SCRIPT_HEADS_KEPT = 1_000;
/** One of the fixed keys of a queue. */
export type QueueKey = (typeof QUEUE_KEYS)[number];

/**
 * The whole key schema (storage layout 2). Every key of a queue carries the
 * hash tag `{<prefix>:<queue>}`, so one script touches one Redis Cluster slot;
 * the prefix keeps applications that share a server apart. Per job only a
 * hash entry and one index entry are stored: no key per job.
 *
 *   {p:q}:v2:jobs        HASH  id -> the job's record, "<head>|<name>|<payload>" (see lua/includes/record.lua)
 *   {p:q}:v2:waiting:<n> LIST  ids waiting at priority n, oldest first (enqueue pushes right, fetch pops left)
 *   {p:q}:v2:priorities  ZSET  the priorities that have a waiting list, by -priority (highest first)
 *   {p:q}:v2:delayed     ZSET  "<seq16>:<id>" by run time (the sequence keeps FIFO among jobs due in the same ms)
 *   {p:q}:v2:active      ZSET  id by lease expiry
 *   {p:q}:v2:completed   ZSET  id by finish order: ms * 1000, made unique and increasing (v2:finished)
 *   {p:q}:v2:dead        ZSET  id by finish order, the same way
 *   {p:q}:v2:expired     ZSET  id by finish order: jobs that waited past their expiry (expireAfter)
 *   {p:q}:v2:cancelled   ZSET  id by finish order: cancelled jobs
 *   {p:q}:v2:finished    STRING the last finish-order score given (lua/includes/finish.lua)
 *   {p:q}:v2:lanes, v2:lane:<lane>, v2:turns, v2:front, v2:limits, v2:holds, v2:run:<key>, v2:rate:<key>,
 *   {p:q}:v2:dedupe:<name>|<key>  flow control (lua/includes/lanes.lua): limited jobs wait in lanes
 *   {p:q}:v2:blocked     ZSET  id by enqueuedAt: jobs waiting for their dependencies (state b)
 *   {p:q}:v2:deps:<id>   HASH  a dependent's dependencies: refs, left, o<n>/r<n> outcome and result of the n-th
 *                        (goes with the job; a completed one's expires 7 days after completion)
 *   {p:q}:v2:dependents  HASH  id -> JSON [[queue, id, index], ...]: jobs blocked on this job (lua/includes/handover.lua)
 *   {p:q}:v2:handover    HASH  JSON [queue, id, index] -> outcome and result: ends not yet applied to the dependent
 *   {p:q}:v2:results     HASH  id -> result JSON of a completed job
 *   {p:q}:v2:errors      HASH  id -> JSON array of a job's failed tries (the last 20)
 *   {p:q}:v2:progress    HASH  id -> the last progress JSON
 *   {p:q}:paused         STRING flag
 *   {p:q}:seq            counter for the delayed index's sequence numbers
 *   {p:q}:events         STREAM of job events, up to ~50 per entry (one script run), ~10k events kept
 *   {p:q}:marker         LIST  one element, for a few s after idle workers were told; fetch clears it
 *   {p:q}:wake           pub/sub CHANNEL (not a key): the scripts publish on it to wake idle
 *                        workers; every process listens to all of them with one PSUBSCRIBE {p:*}:wake
 *   {p:q}:schedule:<n>   HASH  paused, lastTickAt, lastJobId of a schedule whose jobs go to q
 *   {p}:queues           SET   names of known queues (admin only, never on the hot path)
 *   {p:}:schedules       HASH  name -> definition JSON of a runtime schedule (Producer.schedule); the empty
 *   {p:}:schedules:version STRING  queue name (invalid for a queue) keeps these apart from every queue's keys
 *                        counter, INCR on every save and removal (the schedulers' slow poll reads it)
 *   {p:}:wake            pub/sub CHANNEL: "s" after a runtime schedule changed (matches the wake pattern,
 *                        so the one PSUBSCRIBE and the ACL's channel rule cover it)
 *
 * Layout 1 (before 0.2) kept a hash `{p:q}:job:<id>` and a string `{p:q}:pl:<id>` per job and
 * zsets `{p:q}:waiting|delayed|active|completed|dead` of "<seq16>:<id>": the driver moves such
 * jobs into layout 2 the first time it uses a queue (lua/migrate.lua).
 */
export class KeySchema {
  private readonly heads = new Map<string, readonly [string, string]>();

  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) {
      throw new Error(`RedisDriver: prefix must be 1–64 characters of letters, digits, "_", ".", ":" or "-" (got ${JSON.stringify(prefix)}).`);
    }
  }

  /** The fixed keys of a queue (lua/includes/keys.lua names them in scripts; KeyDiagnosis reads their types). */
  queueKeys(queue: string): string[] {
    const base = this.base(queue);
    return QUEUE_KEYS.map((key) => `${base}:${key}`);
  }

  /**
   * What a queue script call starts with: KEYS[1], the jobs hash (lua/includes/keys.lua names the
   * other fixed keys from it), and ARGV[1], the waiting-list prefix. Kept per queue (the hot path
   * asks on every call); bounded, since admin calls may name any queue.
   */
  scriptHead(queue: string): readonly [jobs: string, waitingPrefix: string] {
    let head = this.heads.get(queue);
    if (!head) {
      if (this.heads.size >= SCRIPT_HEADS_KEPT) this.heads.clear();
      head = [this.key(queue, 'v2:jobs'), this.waitingPrefix(queue)];
      this.heads.set(queue, head);
    }
    return head;
  }

  /** `{p:q}:v2:waiting:`: the waiting list of priority n is this plus n. */
  waitingPrefix(queue: string): string {
    return `${this.base(queue)}:v2:waiting:`;
  }

  /** The key of one of the queue's fixed keys, by its role (see queueKeys). */
  key(queue: string, role: QueueKey): string {
    return `${this.base(queue)}:${role}`;
  }

  /** A flow-control key of the queue (lua/includes/lanes.lua), e.g. `lanes`, `limits`, `lane:<lane>`, `expired`. */
  flow(queue: string, suffix: string): string {
    return `${this.base(queue)}:v2:${suffix}`;
  }

  /** A job-dependency key of the queue: `blocked`, `dependents`, `handover`, or `deps:<id>` (see above). */
  dependency(queue: string, suffix: 'blocked' | 'dependents' | 'handover' | `deps:${string}`): string {
    return `${this.base(queue)}:v2:${suffix}`;
  }

  /** Layout 1's five indexes (waiting, delayed, active, completed, dead), which lua/migrate.lua empties. */
  legacyIndexes(queue: string): string[] {
    const base = this.base(queue);
    return ['waiting', 'delayed', 'active', 'completed', 'dead'].map((state) => `${base}:${state}`);
  }

  /** Layout 1's per-job key prefixes: the job hash's and the payload string's. */
  legacyPrefixes(queue: string): { jobPrefix: string; payloadPrefix: string } {
    const base = this.base(queue);
    return { jobPrefix: `${base}:job:`, payloadPrefix: `${base}:pl:` };
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

  /** The runtime schedules' hash (see the schema above). */
  runtimeSchedules(): string {
    return `{${this.prefix}:}:schedules`;
  }

  runtimeScheduleVersion(): string {
    return `{${this.prefix}:}:schedules:version`;
  }

  /** Where a change of the runtime schedules is announced; the wake pattern matches it. */
  schedulesChannel(): string {
    return `{${this.prefix}:}:wake`;
  }

  private base(queue: string): string {
    if (!isValidQueueName(queue)) {
      throw new Error(`RedisDriver: queue name ${JSON.stringify(queue)} is invalid: use 1–100 characters without "{", "}", whitespace or control characters.`);
    }
    return `{${this.prefix}:${queue}}`;
  }
}
