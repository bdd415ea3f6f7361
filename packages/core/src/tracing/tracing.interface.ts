import type { LeasedJob, NewJob } from '../driver/job-record.js';

// What core asks of tracing, without OpenTelemetry's types: declarations that users' tsc
// reads must not name '@opentelemetry/api', an optional peer they may not have installed.

/** How a try's span relates to the enqueue's span. */
export type TraceParent = 'link' | 'child';

/** `tracing` module option, resolved. */
export interface TracingConfig {
  parent: TraceParent;
}

/** What a traced try hands back: the handler's outcome, as the runner sees it. */
export type TracedOutcome = { ok: true } | { ok: false; thrown: unknown };

/** Attributes to add to a span. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** Spans around enqueues and tries; null in core when tracing is off. */
export interface JobsTracing {
  /**
   * Opens a `send` span per job, stores each span's context in its job
   * (`job.trace`), runs `enqueue` and ends the spans with its outcome;
   * `describe` adds attributes per job from the result (e.g. a duplicate jobId).
   */
  send<R>(jobs: NewJob[], enqueue: () => Promise<R>, describe: (result: R, index: number) => SpanAttributes | undefined): Promise<R>;
  /**
   * Runs one try in a `process` span that is active inside `attempt` (the
   * handler's own spans nest under it); `attempt` gets the trace id for
   * `ctx.logger`, undefined when there is none.
   */
  process<O extends TracedOutcome>(job: LeasedJob, attempt: (traceId: string | undefined) => Promise<O>): Promise<O>;
}
