import type { Attributes, Context, Link, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type { LeasedJob, NewJob, TraceCarrier } from '../driver/job-record.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { RetryRequest } from '../errors/retry-request.js';
import type { JobsTracing, SpanAttributes, TracedOutcome, TracingConfig } from './tracing.interface.js';

type OtelApi = typeof import('@opentelemetry/api');

const SYSTEM = 'nest-jobs';
const TRACER_NAME = '@nest-jobs/core';

/**
 * OpenTelemetry spans for enqueues and tries, following the messaging
 * semantic conventions: a PRODUCER span `send <queue>` per job enqueued (its
 * context is stored with the job), a CONSUMER span `process <name>` per try,
 * linked to or child of it, active while the handler runs. Without a
 * registered SDK (or propagator) it opens no span at all and stores nothing.
 */
export class JobTracing implements JobsTracing {
  private readonly tracer: Tracer;
  /** What the API's tracer provider hands over to while no SDK is registered. */
  private readonly noSdk: TracerProvider;

  constructor(private readonly api: OtelApi, private readonly config: TracingConfig) {
    // A proxy: an SDK registered after bootstrap is used from then on.
    this.tracer = api.trace.getTracer(TRACER_NAME);
    this.noSdk = new api.ProxyTracerProvider().getDelegate();
  }

  /**
   * No SDK and no propagator registered: a span would record nothing and carry nothing, yet
   * building them measured +6 µs per enqueue and +16 µs per try (bench/dist/tools/tracing-cost.js).
   * Checked per call, so an SDK registered later is used from then on.
   */
  private get unobserved(): boolean {
    const provider = this.api.trace.getTracerProvider();
    return provider instanceof this.api.ProxyTracerProvider && provider.getDelegate() === this.noSdk && this.api.propagation.fields().length === 0;
  }

  async send<R>(jobs: NewJob[], enqueue: () => Promise<R>, describe: (result: R, index: number) => SpanAttributes | undefined): Promise<R> {
    if (this.unobserved) return enqueue();
    const { context, trace } = this.api;
    const active = context.active();
    const spans = jobs.map((job) => this.openSend(job, active));
    try {
      // One job: the driver call runs in its span, so a Redis client's instrumentation nests under it.
      const result = spans.length === 1 ? await context.with(trace.setSpan(active, spans[0]!), enqueue) : await enqueue();
      spans.forEach((span, index) => {
        const attributes = describe(result, index);
        if (attributes) span.setAttributes(attributes);
      });
      return result;
    } catch (error) {
      spans.forEach((span) => this.recordError(span, error));
      throw error;
    } finally {
      spans.forEach((span) => span.end());
    }
  }

  async process<O extends TracedOutcome>(job: LeasedJob, attempt: (traceId: string | undefined) => Promise<O>): Promise<O> {
    if (this.unobserved) return attempt(undefined);
    const { context, trace, ROOT_CONTEXT, SpanKind } = this.api;
    const stored = job.trace ? this.api.propagation.extract(ROOT_CONTEXT, job.trace) : ROOT_CONTEXT;
    const producer = trace.getSpanContext(stored);
    let parent: Context = stored;
    const links: Link[] = [];
    if (producer && this.config.parent === 'link') {
      // A trace of its own, linked to the enqueue's; baggage still travels.
      parent = trace.deleteSpan(stored);
      links.push({ context: producer });
    }
    const span = this.tracer.startSpan(`process ${job.name}`, { kind: SpanKind.CONSUMER, attributes: processAttributes(job), links }, parent);
    const spanContext = span.spanContext();
    const traceId = trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
    try {
      const outcome = await context.with(trace.setSpan(parent, span), () => attempt(traceId));
      if (!outcome.ok) {
        // Asking for a retry, backing off a remote's rate limit, or being cancelled is not a failure of the job.
        if (outcome.thrown instanceof RetryRequest) span.setAttribute('nest_jobs.job.retry_requested', true);
        else if (outcome.thrown instanceof RateLimitedError) span.setAttribute('nest_jobs.job.rate_limited_ms', outcome.thrown.retryAfterMs);
        else if (outcome.thrown instanceof JobCancelledError) span.setAttribute('nest_jobs.job.cancelled', true);
        else this.recordError(span, outcome.thrown);
      }
      return outcome;
    } finally {
      span.end();
    }
  }

  private openSend(job: NewJob, active: Context): Span {
    const { propagation, trace, SpanKind } = this.api;
    const span = this.tracer.startSpan(`send ${job.queue}`, { kind: SpanKind.PRODUCER, attributes: sendAttributes(job) }, active);
    const carrier: TraceCarrier = {};
    propagation.inject(trace.setSpan(active, span), carrier);
    // Nothing to store without a propagator (no SDK): the job is as large as with tracing off.
    if (Object.keys(carrier).length > 0) job.trace = carrier;
    return span;
  }

  private recordError(span: Span, thrown: unknown): void {
    const error = thrown instanceof Error ? thrown : new Error(typeof thrown === 'string' ? thrown : `non-Error value thrown: ${String(thrown)}`);
    span.recordException(error);
    span.setAttribute('error.type', error.name);
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error.message });
  }
}

function commonAttributes(job: NewJob, operation: 'send' | 'process'): Attributes {
  const attributes: Attributes = {
    'messaging.system': SYSTEM,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.destination.name': job.queue,
    'messaging.message.id': job.id,
    'nest_jobs.job.name': job.name,
  };
  if (job.scheduledFor !== undefined) attributes['nest_jobs.job.scheduled_for'] = new Date(job.scheduledFor).toISOString();
  return attributes;
}

function sendAttributes(job: NewJob): Attributes {
  return commonAttributes(job, 'send');
}

function processAttributes(job: LeasedJob): Attributes {
  return { ...commonAttributes(job, 'process'), 'nest_jobs.job.attempt': job.attempt, 'nest_jobs.job.max_attempts': job.maxAttempts };
}
