/** When a runtime schedule fires: a cron expression (in a zone), or a fixed rate. */
export type RuntimeScheduleTiming =
  | { /** 5 fields, or 6 with seconds first (cron-parser syntax). */ cron: string; /** IANA zone, DST-correct. Default UTC. */ timezone?: string; every?: never }
  | { /** ms (≥ 1000) or a duration like `'30s'`, `'5m'`, `'1h30m'`; ticks align to the epoch like `@Every`. */ every: number | string; cron?: never; timezone?: never };

/**
 * Options of `Producer.schedule(name, job, payload, options)`: the timing, and the
 * same tick rules as `@Cron`/`@Every`. Each tick enqueues the job with the payload.
 */
export type RuntimeScheduleOptions = RuntimeScheduleTiming & {
  /** A tick missed while no scheduler ran: `last` (default) runs the latest one once; `none` skips. */
  catchUp?: 'none' | 'last';
  /** ms: how old a missed tick may be and still be caught up. Default 24 h. */
  catchUpWindow?: number;
  /** False: skip a tick while the previous run is unfinished anywhere. Default true. */
  overlap?: boolean;
  /** Priority of each tick's job. Default: the @Job's. */
  priority?: number;
  /** Tries of each tick's job. Default: the @Job's. */
  attempts?: number;
};
