import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as api from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { LeasedJob, NewJob } from '../driver/job-record.js';
import { JobTracing } from './job-tracing.js';

const job: NewJob = { id: 'j1', queue: 'q', name: 'n', payload: '{}', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0 };
const leased: LeasedJob = { ...job, token: 't', attempt: 1, state: 'active', errors: [] } as unknown as LeasedJob;
// Built in each test: trace.disable() (the cleanup) gives the API a new global provider proxy.
const build = (): JobTracing => new JobTracing(api, { parent: 'link' });

afterEach(() => {
  jest.restoreAllMocks();
  api.trace.disable();
  api.propagation.disable();
});

describe('JobTracing with no SDK registered', () => {
  it('opens no span: the enqueue and the try run in the caller\'s context, and the job stores no context', async () => {
    const startSpan = jest.spyOn(api.ProxyTracer.prototype, 'startSpan');
    const tracing = build();
    const spans: Array<api.Span | undefined> = [];
    await tracing.send([job], () => Promise.resolve(spans.push(api.trace.getSpan(api.context.active()))), () => undefined);
    let traceId: string | undefined = 'unset';
    await tracing.process(leased, (id) => {
      traceId = id;
      spans.push(api.trace.getSpan(api.context.active()));
      return Promise.resolve({ ok: true as const });
    });
    expect(startSpan).not.toHaveBeenCalled();
    expect(spans).toEqual([undefined, undefined]);
    expect(traceId).toBeUndefined();
    expect(job.trace).toBeUndefined();
  });

  it('uses an SDK registered after it was built, from then on', async () => {
    const tracing = build();
    const exporter = new InMemorySpanExporter();
    api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    let traceId: string | undefined;
    await tracing.process(leased, (id) => {
      traceId = id;
      return Promise.resolve({ ok: true as const });
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['process n']);
  });

  it('opens spans when only a propagator is registered, so a context coming in still travels with the job', async () => {
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const startSpan = jest.spyOn(api.ProxyTracer.prototype, 'startSpan');
    await build().send([{ ...job }], () => Promise.resolve(1), () => undefined);
    expect(startSpan).toHaveBeenCalledTimes(1);
  });
});
