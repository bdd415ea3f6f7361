import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Injectable, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context, propagation, trace, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Cron, getProducerToken, Job, JobsModule, UnrecoverableJobError, type JobContext, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';

// One side of the tracing test, in its own process, with the OpenTelemetry SDK
// as an app would register it. TRACED_ROLE=producer enqueues ORDERS inside a
// request span and exits; TRACED_ROLE=worker runs them until SIGTERM. Both
// write the spans they finished to SPANS_FILE as JSON when they end.

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const appTracer = trace.getTracer('traced-app');

export interface Payment {
  order: string;
  failFirst?: boolean;
  fatal?: boolean;
}

@Injectable()
class PaymentJobs {
  @Job({ queue: 'payments', attempts: 2 })
  async charge(payment: Payment, ctx: JobContext): Promise<string> {
    ctx.logger.log(`charging ${payment.order}`);
    // The handler's own span: it must nest under the try's span.
    await appTracer.startActiveSpan('charge card', async (span) => span.end());
    if (payment.fatal) throw new UnrecoverableJobError('card refused');
    if (payment.failFirst && ctx.attempt === 1) throw new Error('gateway timeout');
    console.log(`charged ${payment.order}`);
    return 'ok';
  }
}

@Injectable()
class ReportJobs {
  @Cron('* * * * * *', { queue: 'payments', catchUp: 'none' })
  async tick(ctx: JobContext): Promise<void> {
    console.log(`ticked ${ctx.scheduledFor?.toISOString()}`);
  }
}

@Module({})
class TracedAppModule {
  static register(role: string): DynamicModule {
    const providers: Provider[] = role === 'worker' ? [PaymentJobs, ReportJobs] : [PaymentJobs];
    return {
      module: TracedAppModule,
      imports: [JobsModule.forRoot({
        driver: new RedisDriver({ url: process.env.REDIS_URL!, prefix: process.env.JOBS_PREFIX! }),
        mode: role === 'worker' ? 'worker' : 'producer',
        tracing: { parent: process.env.TRACE_PARENT === 'child' ? 'child' : 'link' },
      })],
      providers,
    };
  }
}

/** What the spec reads of a finished span. */
export interface SpanRecord {
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes?: Record<string, unknown> }>;
}

function record(span: ReadableSpan): SpanRecord {
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    attributes: { ...span.attributes },
    status: { ...span.status },
    events: span.events.map((event) => ({ name: event.name, attributes: { ...event.attributes } })),
  };
}

function writeSpans(): void {
  writeFileSync(process.env.SPANS_FILE!, JSON.stringify(exporter.getFinishedSpans().map(record)));
}

async function main(): Promise<void> {
  const role = process.env.TRACED_ROLE ?? 'worker';
  const app = await NestFactory.createApplicationContext(TracedAppModule.register(role), { logger: ['log', 'warn', 'error'] });
  if (role === 'worker') {
    process.once('SIGTERM', () => void app.close().then(() => (writeSpans(), process.exit(0))));
    console.log('worker ready');
    return;
  }
  const payments = app.get<Producer<PaymentJobs>>(getProducerToken(PaymentJobs));
  const orders = JSON.parse(process.env.ORDERS!) as Payment[];
  const ids = await appTracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER }, async (span) => {
    try {
      const handles = [];
      for (const order of orders) handles.push(await payments.enqueue('charge', order));
      return handles.map((handle) => handle.id);
    } finally {
      span.end();
    }
  });
  console.log(`enqueued ${JSON.stringify(ids)}`);
  await app.close();
  writeSpans();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
