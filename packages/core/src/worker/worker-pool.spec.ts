import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Scope, type INestApplicationContext } from '@nestjs/common';
import { firstValueFrom, filter, toArray, takeWhile } from 'rxjs';
import { JobsAdmin } from '../admin/jobs-admin.js';
import { Job } from '../decorators/job.decorator.js';
import { JobFailedError } from '../errors/job-failed.error.js';
import { UnrecoverableJobError } from '../errors/unrecoverable-job.error.js';
import { JobEvents } from '../events/job-events.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { getProducerToken } from '../module/jobs.tokens.js';
import type { Producer } from '../producer/producer.interface.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { bootJobsApp, eventually, sleep } from '../spec-support/boot.js';

let tries: Record<string, number> = {};
let running = 0;
let maxRunning = 0;

@Injectable()
class MathJobs {
  @Job()
  async add(payload: { a: number; b: number }): Promise<{ sum: number }> {
    return { sum: payload.a + payload.b };
  }

  @Job({ attempts: 3, backoff: { type: 'exponential', delay: 20 } })
  async flaky(payload: { failUntil: number; key: string }, ctx: JobContext): Promise<number> {
    tries[payload.key] = (tries[payload.key] ?? 0) + 1;
    if (ctx.attempt < payload.failUntil) throw new Error(`boom ${ctx.attempt}`);
    return ctx.attempt;
  }

  @Job({ attempts: 5 })
  async hopeless(): Promise<void> {
    throw new UnrecoverableJobError('card declined');
  }

  @Job({ attempts: 2 })
  async throwsString(): Promise<void> {
    throw 'plain string';
  }

  @Job({ attempts: 3 })
  async selfRetry(_payload: void, ctx: JobContext): Promise<number> {
    if (ctx.attempt === 1) ctx.retry({ delay: 30 });
    return ctx.attempt;
  }

  @Job({ timeout: 50 })
  async slow(_payload: void, ctx: JobContext): Promise<string> {
    await sleep(2_000);
    return ctx.signal.aborted ? 'aborted' : 'finished';
  }

  @Job()
  async stubborn(): Promise<void> {
    await sleep(2_000);
  }

  @Job()
  async badResult(): Promise<unknown> {
    return { big: 1n };
  }

  @Job({ concurrency: 2 })
  async crowded(): Promise<void> {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await sleep(40);
    running--;
  }
}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  tries = {};
  running = 0;
  maxRunning = 0;
});

async function boot(): Promise<Producer<MathJobs>> {
  ({ app } = await bootJobsApp([MathJobs]));
  await app.init();
  return app.get<Producer<MathJobs>>(getProducerToken(MathJobs));
}

describe('WorkerPool on the memory driver', () => {
  it('gives up acknowledgements the driver keeps refusing (Redis away) once shutdownTimeout is spent, not after a lease', async () => {
    let refused = 0;
    class UnreachableOnComplete extends MemoryDriver {
      override complete(): Promise<never> {
        refused++;
        return Promise.reject(new Error('Redis unreachable'));
      }
    }
    ({ app } = await bootJobsApp([MathJobs], { driver: new UnreachableOnComplete(), shutdownTimeout: 300, leaseMs: 10_000 }));
    await app.init();
    await app.get<Producer<MathJobs>>(getProducerToken(MathJobs)).enqueue('add', { a: 1, b: 2 });
    await eventually(() => refused > 0, 2_000, 'a refused completion');
    const closing = Date.now();
    await app.close();
    app = undefined;
    expect(Date.now() - closing).toBeLessThan(3_000);
  });

  it('runs a job and hands its typed result to the producer', async () => {
    const math = await boot();
    const handle = await math.enqueue('add', { a: 2, b: 3 });
    await expect(handle.result({ timeout: 2_000 })).resolves.toEqual({ sum: 5 });
    expect(await handle.state()).toBe('completed');
  });

  it('retries a failing job with exponential backoff, then completes on the third try', async () => {
    const math = await boot();
    const handle = await math.enqueue('flaky', { failUntil: 3, key: 'k' });
    expect(await handle.result({ timeout: 3_000 })).toBe(3);
    const info = await app!.get(JobsAdmin).get('default', handle.id);
    expect(info?.errors.map((error) => error.message)).toEqual(['boom 1', 'boom 2']);
    // A Date, like every other time JobsAdmin gives.
    expect(info?.errors.every((error) => error.at instanceof Date && error.at.getTime() >= info.enqueuedAt.getTime())).toBe(true);
  });

  it('moves a job to dead after its last try and rejects result() with JobFailedError', async () => {
    const math = await boot();
    const handle = await math.enqueue('flaky', { failUntil: 99, key: 'dead' });
    const failure = await handle.result({ timeout: 3_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobFailedError);
    expect((failure as JobFailedError).lastError?.message).toBe('boom 3');
    expect((failure as JobFailedError).lastError?.at).toBeInstanceOf(Date);
    expect(tries.dead).toBe(3);
    expect(await handle.state()).toBe('dead');
  });

  it('sends a job straight to dead on UnrecoverableJobError', async () => {
    const math = await boot();
    const handle = await math.enqueue('hopeless', undefined);
    await expect(handle.result({ timeout: 2_000 })).rejects.toThrow('card declined');
    expect((await app!.get(JobsAdmin).get('default', handle.id))?.attempt).toBe(1);
  });

  it('records a non-Error throw with a readable message', async () => {
    const math = await boot();
    const handle = await math.enqueue('throwsString', undefined);
    await expect(handle.result({ timeout: 2_000 })).rejects.toThrow('plain string');
    expect((await app!.get(JobsAdmin).get('default', handle.id))?.errors).toHaveLength(2);
  });

  it('honours ctx.retry({ delay }) as a counted try without recording an error', async () => {
    const math = await boot();
    const handle = await math.enqueue('selfRetry', undefined);
    expect(await handle.result({ timeout: 2_000 })).toBe(2);
    expect((await app!.get(JobsAdmin).get('default', handle.id))?.errors).toEqual([]);
  });

  it('fails a try that runs past its timeout without waiting for the handler', async () => {
    const math = await boot();
    const started = Date.now();
    const handle = await math.enqueue('slow', undefined);
    await expect(handle.result({ timeout: 1_500 })).rejects.toThrow('Job timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses a result that is not JSON, naming the job', async () => {
    const math = await boot();
    const handle = await math.enqueue('badResult', undefined);
    await expect(handle.result({ timeout: 2_000 })).rejects.toThrow('result of job "MathJobs.badResult"');
  });

  it('never runs more jobs of a handler at once than its concurrency, and does run them in parallel', async () => {
    const math = await boot();
    const handles = await math.enqueueMany(Array.from({ length: 8 }, () => ({ job: 'crowded' as const, payload: undefined })));
    await Promise.all(handles.map((handle) => handle.result({ timeout: 3_000 })));
    expect(maxRunning).toBe(2);
  });

  it('publishes each job event in order', async () => {
    const math = await boot();
    const events = app!.get(JobEvents);
    const seen = firstValueFrom(
      events.events$.pipe(
        filter((event) => event.name === 'MathJobs.flaky'),
        takeWhile((event) => event.type !== 'completed', true),
        toArray(),
      ),
    );
    await sleep(20);
    await math.enqueue('flaky', { failUntil: 2, key: 'events' });
    const received = await seen;
    expect(received.map((event) => event.type)).toEqual(['enqueued', 'active', 'failed', 'retrying', 'active', 'completed']);
    // The failed try's error carries its time as a Date, like the event's own `at`.
    expect(received.find((event) => event.type === 'failed')?.error).toEqual(expect.objectContaining({ message: 'boom 1', attempt: 1, at: expect.any(Date) }));
  });
});

describe('handler hosts', () => {
  it('discovers @Job methods on useFactory providers', async () => {
    const calls: string[] = [];
    class FactoryJobs {
      @Job()
      async ping(): Promise<string> {
        calls.push('ping');
        return 'pong';
      }
    }
    ({ app } = await bootJobsApp([{ provide: 'FACTORY_JOBS', useFactory: () => new FactoryJobs() }]));
    await app.init();
    const producer = app.get<Producer<FactoryJobs>>(getProducerToken(FactoryJobs));
    expect(await (await producer.enqueue('ping', undefined)).result({ timeout: 2_000 })).toBe('pong');
    expect(calls).toEqual(['ping']);
  });

  it('resolves a request-scoped host afresh for every job', async () => {
    let instances = 0;
    @Injectable({ scope: Scope.REQUEST })
    class ScopedJobs {
      readonly serial = ++instances;
      @Job()
      async who(): Promise<number> {
        return this.serial;
      }
    }
    ({ app } = await bootJobsApp([ScopedJobs]));
    await app.init();
    const producer = app.get<Producer<ScopedJobs>>(getProducerToken(ScopedJobs));
    const first = await (await producer.enqueue('who', undefined)).result({ timeout: 2_000 });
    const second = await (await producer.enqueue('who', undefined)).result({ timeout: 2_000 });
    expect(first).not.toBe(second);
  });
});

describe('modes and shutdown', () => {
  it('consumes nothing in producer mode', async () => {
    ({ app } = await bootJobsApp([MathJobs], { mode: 'producer' }));
    await app.init();
    const handle = await app.get<Producer<MathJobs>>(getProducerToken(MathJobs)).enqueue('add', { a: 1, b: 1 });
    await sleep(200);
    expect(await handle.state()).toBe('waiting');
  });

  it('lets an in-flight job finish during a graceful shutdown', async () => {
    const driver = new MemoryDriver();
    ({ app } = await bootJobsApp([MathJobs], { driver }));
    await app.init();
    const handle = await app.get<Producer<MathJobs>>(getProducerToken(MathJobs)).enqueue('crowded', undefined);
    await eventually(() => running === 1, 2_000, 'the job to start');
    await app.close();
    app = undefined;
    expect(running).toBe(0);
    expect((await driver.getJob('default', handle.id))?.state).toBe('completed');
  });

  it('aborts jobs still running at shutdownTimeout and hands their leases back uncounted', async () => {
    const driver = new MemoryDriver();
    ({ app } = await bootJobsApp([MathJobs], { driver, shutdownTimeout: 100 }));
    await app.init();
    const producer = app.get<Producer<MathJobs>>(getProducerToken(MathJobs));
    const handle = await producer.enqueue('stubborn', undefined);
    await eventually(async () => (await handle.state()) === 'active', 2_000, 'the job to start');
    const closing = Date.now();
    await app.close();
    app = undefined;
    expect(Date.now() - closing).toBeLessThan(1_500);
    const job = await driver.getJob('default', handle.id);
    expect(job?.state).toBe('waiting');
    expect(job?.attempt).toBe(0);
  });
});
