/** A duration: ms, or text such as `'500ms'`, `'1s'`, `'5m'`, `'1h30m'`. */
export type Duration = number | string;

/** At most `max` starts in any window of `per`, across every worker. */
export interface RateLimitOptions {
  max: number;
  per: Duration;
}

/**
 * Per-tenant (customer, API key…) limits and fairness. `key` runs at enqueue on the
 * payload; groups with ready work take turns, so a group with a large backlog does not
 * starve one that enqueues later.
 */
export interface GroupOptions<P = never> {
  key: (payload: P) => string;
  /** Jobs of one group running at once, across every worker. */
  concurrency?: number;
  /** Starts per window for one group. */
  rateLimit?: RateLimitOptions;
}

/** Unique jobs within a window. */
export interface DedupeOptions<P = never> {
  /** Default: the enqueue's `jobId`, else a hash of the payload. */
  key?: (payload: P) => string;
  /** How long the key is held after the first (throttle) or the latest (debounce) enqueue. */
  ttl: Duration;
  /**
   * `throttle` (default): the first enqueue in the window wins, later ones get its handle.
   * `debounce`: the job runs `ttl` after the last enqueue, with the last payload.
   */
  mode?: 'throttle' | 'debounce';
  /** Debounce only: run at the latest this long after the first enqueue. */
  maxWait?: Duration;
}

/** Flow control options of `@Job`. Every limit holds across all workers and processes. */
export interface FlowOptions<P = never> {
  rateLimit?: RateLimitOptions;
  /** At most this many of this job running at once, all workers together. */
  globalConcurrency?: number;
  group?: GroupOptions<P>;
  dedupe?: DedupeOptions<P>;
  /** A job still waiting this long after its run time ends `expired` and never runs. */
  expireAfter?: Duration;
}
