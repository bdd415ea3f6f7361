import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { ChildApp } from '../support/child-app.js';
import type { Payment, SpanRecord } from './traced-app.js';

// Tracing across two real processes on one redis-server this file starts: a
// producer enqueues inside a request span, a worker runs the jobs; each records
// its spans with the OpenTelemetry SDK's InMemorySpanExporter (traced-app.ts).

const SCRIPT = fileURLToPath(new URL('./traced-app.js', import.meta.url));
const ERROR = 2; // SpanStatusCode.ERROR

let redis: RedisServerHandle;
let scratch: string;
const children: ChildApp[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  scratch = mkdtempSync(join(tmpdir(), 'nest-jobs-tracing-'));
}, 20_000);
afterAll(async () => {
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
  await redis?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 20_000);

interface Run {
  ids: string[];
  producerSpans: SpanRecord[];
  workerSpans: SpanRecord[];
  workerOutput: string;
}

/** Starts a worker, enqueues `orders` from a producer process, waits for `until` in the worker's output, stops it. */
async function run(parent: 'link' | 'child', orders: Payment[], until: string[]): Promise<Run> {
  const prefix = `trace-${parent}`;
  const env = { REDIS_URL: redis.url, JOBS_PREFIX: prefix, TRACE_PARENT: parent };
  const worker = new ChildApp({ ...env, TRACED_ROLE: 'worker', SPANS_FILE: join(scratch, `${prefix}-worker.json`) }, SCRIPT);
  children.push(worker);
  await worker.waitFor('worker ready', 20_000);
  const producer = new ChildApp({ ...env, TRACED_ROLE: 'producer', ORDERS: JSON.stringify(orders), SPANS_FILE: join(scratch, `${prefix}-producer.json`) }, SCRIPT);
  children.push(producer);
  expect(await producer.exited).toEqual({ code: 0, signal: null });
  const ids = JSON.parse(/enqueued (\[.*\])/.exec(producer.output)![1]!) as string[];
  for (const text of until) await worker.waitFor(text, 20_000);
  expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  const read = (file: string): SpanRecord[] => JSON.parse(readFileSync(join(scratch, file), 'utf8')) as SpanRecord[];
  return { ids, producerSpans: read(`${prefix}-producer.json`), workerSpans: read(`${prefix}-worker.json`), workerOutput: worker.output };
}

const tries = (spans: SpanRecord[], id: string): SpanRecord[] =>
  spans.filter((span) => span.name === 'process PaymentJobs.charge' && span.attributes['messaging.message.id'] === id)
    .sort((a, b) => Number(a.attributes['nest_jobs.job.attempt']) - Number(b.attributes['nest_jobs.job.attempt']));

describe('OpenTelemetry tracing across a producer and a worker process', () => {
  it('links each try to its enqueue, nests the handler\'s spans and logs under it, and records failures', async () => {
    const orders: Payment[] = [{ order: 'o-1' }, { order: 'o-2', failFirst: true }, { order: 'o-3', fatal: true }];
    const { ids, producerSpans, workerSpans, workerOutput } = await run('link', orders, ['charged o-1', 'charged o-2', 'is dead after attempt 1/2', 'ticked']);
    const [ok, retried, fatal] = ids as [string, string, string];

    const request = producerSpans.find((span) => span.name === 'POST /orders')!;
    const sends = producerSpans.filter((span) => span.name === 'send payments');
    expect(sends.map((span) => span.attributes['messaging.message.id'])).toEqual(ids);
    for (const send of sends) {
      expect(send).toMatchObject({ kind: 'PRODUCER', traceId: request.traceId, parentSpanId: request.spanId });
      expect(send.attributes).toMatchObject({
        'messaging.system': 'nest-jobs', 'messaging.operation.type': 'send', 'messaging.destination.name': 'payments', 'nest_jobs.job.name': 'PaymentJobs.charge',
      });
    }
    const sendOf = (id: string): SpanRecord => sends.find((span) => span.attributes['messaging.message.id'] === id)!;

    const [first] = tries(workerSpans, ok);
    expect(first).toMatchObject({ kind: 'CONSUMER', links: [{ traceId: request.traceId, spanId: sendOf(ok).spanId }] });
    expect(first!.parentSpanId).toBeUndefined(); // a root: its own trace
    expect(first!.traceId).not.toBe(request.traceId);
    expect(first!.attributes).toMatchObject({
      'messaging.system': 'nest-jobs', 'messaging.operation.type': 'process', 'messaging.destination.name': 'payments',
      'messaging.message.id': ok, 'nest_jobs.job.attempt': 1, 'nest_jobs.job.max_attempts': 2,
    });
    expect(first!.status.code).not.toBe(ERROR);
    const handlerSpans = workerSpans.filter((span) => span.name === 'charge card' && span.parentSpanId === first!.spanId);
    expect(handlerSpans).toEqual([expect.objectContaining({ traceId: first!.traceId })]);
    expect(workerOutput).toContain(`[job ${ok} attempt 1/2 trace ${first!.traceId}] charging o-1`);

    const retries = tries(workerSpans, retried);
    expect(retries.map((span) => span.attributes['nest_jobs.job.attempt'])).toEqual([1, 2]);
    expect(retries.every((span) => span.links[0]?.spanId === sendOf(retried).spanId)).toBe(true);
    expect(retries[0]!.status).toEqual({ code: ERROR, message: 'gateway timeout' });
    expect(retries[0]!.events).toEqual([expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.message': 'gateway timeout' }) })]);
    expect(retries[1]!.status.code).not.toBe(ERROR);

    const [dead] = tries(workerSpans, fatal);
    expect(dead!.status).toEqual({ code: ERROR, message: 'card refused' });
    expect(dead!.attributes['error.type']).toBe('UnrecoverableJobError');

    // A schedule tick: the worker that enqueued it sent it, and its try links to that send.
    const tickSend = workerSpans.find((span) => span.name === 'send payments' && span.attributes['nest_jobs.tick.outcome'] === 'enqueued')!;
    expect(tickSend.attributes['nest_jobs.job.scheduled_for']).toEqual(expect.any(String));
    const tickTry = workerSpans.find((span) => span.name === 'process ReportJobs.tick' && span.attributes['messaging.message.id'] === tickSend.attributes['messaging.message.id']);
    expect(tickTry).toMatchObject({ kind: 'CONSUMER', links: [{ spanId: tickSend.spanId }] });
  }, 90_000);

  it('continues the enqueue\'s trace with parent: \'child\'', async () => {
    const { ids, producerSpans, workerSpans } = await run('child', [{ order: 'c-1' }], ['charged c-1']);
    const send = producerSpans.find((span) => span.name === 'send payments')!;
    const [only] = tries(workerSpans, ids[0]!);
    expect(only).toMatchObject({ traceId: send.traceId, parentSpanId: send.spanId, links: [] });
    expect(workerSpans.find((span) => span.name === 'charge card')).toMatchObject({ traceId: send.traceId, parentSpanId: only!.spanId });
  }, 90_000);
});
