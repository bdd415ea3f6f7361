/**
 * States a job moves through. `paused` is a property of a queue, not of a job.
 * `blocked`: enqueued with `dependsOn`, waiting for its dependencies to end.
 * `expired`: still waiting `expireAfter` past its run time, dropped unrun.
 * `cancelled`: cancelled before it ended; never runs (again), never retried.
 */
export type JobState = 'blocked' | 'waiting' | 'delayed' | 'active' | 'completed' | 'dead' | 'expired' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['blocked', 'waiting', 'delayed', 'active', 'completed', 'dead', 'expired', 'cancelled'];

/** A job by its queue and id (a dependency). */
export interface JobRef {
  queue: string;
  id: string;
}

/** One failed try, as kept on the job (newest last, the driver keeps the last 20). */
export interface JobError {
  message: string;
  name?: string;
  stack?: string;
  /** 1-based try that failed. */
  attempt: number;
  /** Epoch ms. */
  at: number;
}

/**
 * What happens to a completed job: `true` removes it at once, `false` keeps it,
 * `{ age, count }` keeps at most `count` completed jobs of the queue and none
 * older than `age` ms. Trimming is done when a job completes, never by a scan.
 */
export type RetentionOptions = boolean | { age?: number; count?: number };

/** A job as handed to a driver. Payload and result travel as JSON text. */
export interface NewJob {
  id: string;
  queue: string;
  name: string;
  /** JSON text, already validated and size-checked by core. */
  payload: string;
  /** Higher runs first; FIFO among equals. */
  priority: number;
  /** Total tries, first included (≥ 1). */
  maxAttempts: number;
  /** Epoch ms. Equal to or before `enqueuedAt`: waiting; later: delayed. */
  runAt: number;
  /** Epoch ms. */
  enqueuedAt: number;
  /** For schedule ticks: the tick instant, epoch ms. */
  scheduledFor?: number;
  /**
   * Trace context of the enqueue (OpenTelemetry propagation fields, e.g.
   * `traceparent`), stored and handed back as it is. Absent when tracing is off.
   */
  trace?: TraceCarrier;
  /**
   * The job waits in its own lane (its name's limits apply, see FlowLimits), not in the
   * queue's shared order, so a held-back job never blocks others. Set when its name has
   * limits or a group.
   */
  limited?: boolean;
  /** Group key (tenant, customer…): the group's limits apply and groups take turns. Implies `limited`. */
  group?: string;
  /** Epoch ms: still waiting then, the job ends `expired` and never runs. */
  expireAt?: number;
  /** Enqueue-time uniqueness (not stored with the job). */
  dedupe?: DedupeRequest;
  /**
   * Jobs that must end before this one runs (see DependencyPort): the job is `blocked` until
   * then. Each must exist at enqueue (else MissingDependencyError, nothing written).
   */
  dependsOn?: JobRef[];
  /** A dependency that did not complete: `fail` (default) ends this job dead, `ignore` runs it anyway. */
  onDependencyFailure?: 'fail' | 'ignore';
}

/**
 * Uniqueness within a window, per (queue, name, key). `throttle`: while the key is held,
 * an enqueue returns the job that took it. `debounce`: while that job has not started,
 * an enqueue replaces its payload and moves its start to `ttlMs` from now, at the latest
 * `maxWaitMs` after its first enqueue.
 */
export interface DedupeRequest {
  key: string;
  ttlMs: number;
  mode: 'throttle' | 'debounce';
  maxWaitMs?: number;
}

/** Text fields a tracing propagator wrote (names and values are opaque to drivers). */
export type TraceCarrier = Record<string, string>;

/** A stored job, as read back from a driver. */
export interface JobRecord extends NewJob {
  state: JobState;
  /** Tries started so far; the running try's number while active (1-based). */
  attempt: number;
  /** Epoch ms of the latest try's start. */
  startedAt?: number;
  /** Epoch ms of completion or death. */
  finishedAt?: number;
  /** JSON text of the last reported progress. */
  progress?: string;
  /** JSON text of the handler's return value (completed jobs). */
  result?: string;
  /** Failed tries, oldest first, at most the last 20. */
  errors: JobError[];
}

/** A job leased to a worker: only the holder of `token` may settle or extend it. */
export interface LeasedJob extends JobRecord {
  /** Fencing token, unique per fetch. */
  token: string;
  /** Epoch ms at which the lease expires unless extended. */
  leaseUntil: number;
}

export interface EnqueueResult {
  id: string;
  /** False when a job with this id already existed: nothing was changed. */
  created: boolean;
  state: JobState;
}

export interface JobCounts {
  blocked: number;
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  dead: number;
  expired: number;
  cancelled: number;
}

/**
 * Outcome of a cancel: `cancelled` (it was blocked, waiting, delayed or active and is cancelled now),
 * `finished` (it had ended already; nothing changed), `missing` (no such job).
 */
export type CancelOutcome = 'cancelled' | 'finished' | 'missing';

/** Result of an operation that needs a valid lease: `lost` when the token is stale. */
export type LeaseOutcome = 'ok' | 'lost';
