import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { InjectProducer } from '../decorators/inject-producer.decorator.js';
import { Job } from '../decorators/job.decorator.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import { JobsAdmin } from '../admin/jobs-admin.js';
import type { JobDecoratorOptions } from '../interfaces/job-options.interface.js';
import type { JobContext } from '../interfaces/job-context.interface.js';
import { JobsModule } from '../module/jobs.module.js';
import type { Producer } from '../producer/producer.interface.js';
import { JobsTester } from '../testing/index.js';

const START = Date.UTC(2030, 0, 1);
const ran: string[] = [];
let holds = 0;

interface Call { to: string; tenant?: string }

@Injectable()
class ApiJobs {
  constructor(@InjectProducer(ApiJobs) readonly producer: Producer<ApiJobs>) {}

  @Job({ rateLimit: { max: 1, per: '1m' }, expireAfter: '10m' })
  call(payload: Call): void {
    ran.push(`call ${payload.to}`);
  }

  @Job({ group: { key: (payload: Call) => payload.tenant ?? '', concurrency: 1 } })
  tenant(payload: Call): void {
    ran.push(`tenant ${payload.to}`);
  }

  @Job({ dedupe: { key: (payload: Call) => payload.to, ttl: '5m' } })
  notify(payload: Call): void {
    ran.push(`notify ${payload.to}`);
  }

  @Job({ dedupe: { key: () => 'index', ttl: '1m', mode: 'debounce', maxWait: '3m' } })
  reindex(payload: Call): void {
    ran.push(`reindex ${payload.to}`);
  }

  @Job({ attempts: 1 })
  remote(payload: Call, ctx: JobContext): void {
    if (holds-- > 0) ctx.rateLimited(60_000);
    ran.push(`remote ${payload.to}`);
  }
}

let moduleRef: TestingModule | undefined;

async function boot(providers: Type[] = [ApiJobs]): Promise<{ jobs: JobsTester; api: Producer<ApiJobs>; admin: JobsAdmin }> {
  @Module({ providers })
  class FeatureModule {}
  moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot({ driver: new MemoryDriver(), testing: { startAt: new Date(START) } }), FeatureModule],
  }).compile();
  await moduleRef.init();
  const api = providers.includes(ApiJobs) ? moduleRef.get(ApiJobs).producer : (undefined as unknown as Producer<ApiJobs>);
  return { jobs: moduleRef.get(JobsTester), api, admin: moduleRef.get(JobsAdmin) };
}

afterEach(async () => {
  ran.length = 0;
  holds = 0;
  await moduleRef?.close();
  moduleRef = undefined;
});

describe('flow control options on @Job', () => {
  it('starts one rate-limited job per window, the next when advance() crosses the window, and expires one that waited too long', async () => {
    const { jobs, api, admin } = await boot();
    await api.enqueueMany([{ job: 'call', payload: { to: 'a' } }, { job: 'call', payload: { to: 'b' } }]);
    await jobs.drain();
    expect(ran).toEqual(['call a']);
    const waiting = (await admin.list('default', 'waiting'))[0]!;
    expect((await admin.get('default', waiting.id))!.waitingReason).toBe('"ApiJobs.call" at its rate limit of 1 per 60000 ms');
    await jobs.advance('1m');
    expect(ran).toEqual(['call a', 'call b']);
    // Twelve more at once: one starts per minute, and those still waiting 10 minutes on expire unrun.
    await api.enqueueMany(Array.from({ length: 12 }, (_, n) => ({ job: 'call' as const, payload: { to: `c${n}` } })));
    await jobs.advance('20m');
    const expired = await admin.list('default', 'expired');
    expect(ran.length - 2 + expired.length).toBe(12);
    expect(ran.length - 2).toBeGreaterThanOrEqual(9);
    expect(expired.map((job) => (job.payload as Call).to)).toContain('c11');
    expect((await admin.queues())[0]!.counts).toMatchObject({ waiting: 0, expired: expired.length });
    const handle = (await api.enqueueMany(Array.from({ length: 12 }, (_, n) => ({ job: 'call' as const, payload: { to: `late${n}` } })))).at(-1)!;
    await jobs.advance('30m');
    await expect(handle.result()).rejects.toThrow(/Job "ApiJobs\.call" \(id .*\) expired/);
  });

  it('starts a test from clean windows after JobsTester.reset()', async () => {
    const { jobs, api } = await boot();
    await api.enqueue('call', { to: 'a' });
    await jobs.drain();
    await api.enqueue('notify', { to: 'ada' });
    await jobs.reset();
    ran.length = 0;
    await api.enqueue('call', { to: 'b' });
    const again = await api.enqueue('notify', { to: 'ada' });
    expect(again.created).toBe(true);
    await jobs.drain();
    expect(ran.sort()).toEqual(['call b', 'notify ada']);
  });

  it('runs one job per group at a time, groups side by side', async () => {
    const { jobs, api, admin } = await boot();
    await api.enqueueMany([
      { job: 'tenant', payload: { to: '1', tenant: 'acme' } },
      { job: 'tenant', payload: { to: '2', tenant: 'acme' } },
      { job: 'tenant', payload: { to: '3', tenant: 'globex' } },
    ]);
    const flow = await admin.flow('default');
    expect(flow.limits).toMatchObject({ 'ApiJobs.tenant': { groupConcurrency: 1 }, 'ApiJobs.call': { rate: { max: 1, perMs: 60_000 } } });
    expect(flow.groups.map((row) => [row.group, row.waiting]).sort()).toEqual([['acme', 2], ['globex', 1]]);
    await jobs.drain();
    expect(ran.sort()).toEqual(['tenant 1', 'tenant 2', 'tenant 3']);
  });

  it('returns the first job of a throttle window, and dedupes per key', async () => {
    const { jobs, api } = await boot();
    const first = await api.enqueue('notify', { to: 'ada' });
    const again = await api.enqueue('notify', { to: 'ada' });
    const other = await api.enqueue('notify', { to: 'bob' });
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    await jobs.drain();
    expect(ran.sort()).toEqual(['notify ada', 'notify bob']);
  });

  it('debounces: runs once with the last payload, ttl after the last enqueue', async () => {
    const { jobs, api } = await boot();
    const first = await api.enqueue('reindex', { to: 'v1' });
    await jobs.advance('30s');
    const second = await api.enqueue('reindex', { to: 'v2' });
    expect(second.id).toBe(first.id);
    await jobs.advance('59s');
    expect(ran).toEqual([]);
    await jobs.advance('1s');
    expect(ran).toEqual(['reindex v2']);
  });

  it('holds a job that said "rate limited" without using its one attempt, then runs it', async () => {
    const { jobs, api, admin } = await boot();
    holds = 2;
    const handle = await api.enqueue('remote', { to: 'x' });
    await jobs.drain();
    expect(await admin.get('default', handle.id)).toMatchObject({ state: 'waiting', attempt: 0 });
    await jobs.advance('3m');
    expect(ran).toEqual(['remote x']);
    expect(await admin.get('default', handle.id)).toMatchObject({ state: 'completed', attempt: 1 });
  });
});

describe('bad flow control options', () => {
  const bootWith = async (options: JobDecoratorOptions): Promise<unknown> => {
    @Injectable()
    class BadJobs {
      @Job(options)
      run(): void {}
    }
    return boot([BadJobs]).then(() => undefined, (error: unknown) => error);
  };

  it.each<[string, JobDecoratorOptions, RegExp]>([
    ['rateLimit.max 0', { rateLimit: { max: 0, per: '1s' } }, /Job "BadJobs\.run": rateLimit\.max must be an integer from 1/],
    ['a negative window', { rateLimit: { max: 5, per: -1 } }, /Job "BadJobs\.run": rateLimit\.per must be a duration > 0/],
    ['globalConcurrency 0', { globalConcurrency: 0 }, /Job "BadJobs\.run": globalConcurrency must be an integer from 1/],
    ['a group key that is no function', { group: { key: 'tenant' as unknown as () => string } }, /Job "BadJobs\.run": group\.key must be a function/],
    ['dedupe without ttl', { dedupe: {} as { ttl: number } }, /Job "BadJobs\.run": dedupe\.ttl must be a duration/],
    ['maxWait with throttle', { dedupe: { ttl: 1000, maxWait: 5000 } }, /Job "BadJobs\.run": dedupe\.maxWait must be set only with mode "debounce"/],
    ['expireAfter of text', { expireAfter: 'soon' }, /Job "BadJobs\.run": expireAfter must be a duration > 0/],
  ])('refuses %s at bootstrap, naming Class.method and the option', async (_label, options, message) => {
    const error = await bootWith(options);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an enqueue whose group key function throws or returns no string, naming the job and the option', async () => {
    const { api } = await boot();
    await expect(api.enqueue('tenant', { to: '1' })).rejects.toThrow(/Enqueue of job "ApiJobs\.tenant": group\.key must be a function that returns a string of 1–512 characters \(got ""\)/);
    @Injectable()
    class ThrowingJobs {
      constructor(@InjectProducer(ThrowingJobs) readonly producer: Producer<ThrowingJobs>) {}
      @Job({ group: { key: (payload: { tenant?: { id: string } }) => payload.tenant!.id } })
      run(_payload: { tenant?: { id: string } }): void {}
    }
    await moduleRef!.close();
    await boot([ThrowingJobs]);
    await expect(moduleRef!.get(ThrowingJobs).producer.enqueue('run', {})).rejects.toThrow(/Enqueue of job "ThrowingJobs\.run": group\.key must be a function that returns a string \(it threw: .*\)/);
  });
});
