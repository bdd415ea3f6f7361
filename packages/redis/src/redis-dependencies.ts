import {
  MissingDependencyError, type DependencyOutcome, type DependencyPort, type DependencyStatus, type EnqueueResult, type JobRef, type NewJob,
} from '@nest-jobs/core/driver';
import type { DriverContext } from './driver-context.js';
import { dependentEntry, dependScript, enqueueBlockedScript, type HandoverRecord, unblockScript } from './lua/dependency.scripts.js';

const OUTCOMES: Record<string, DependencyOutcome> = { c: 'completed', d: 'dead', k: 'cancelled', x: 'expired', m: 'missing' };
/**
 * The sweep's tick. Each tick looks at one queue this process works on, in turn, so an idle worker's
 * cost does not grow with its number of queues (4 commands/s); queues with dependency work here in the
 * last HOT_MS are looked at every HOT_EVERY ticks besides.
 */
const TICK_MS = 250;
const HOT_EVERY = 4;
const HOT_MS = 60_000;
/** Every this many visits of a queue, its blocked jobs older than REGISTER_GRACE_MS are registered with their dependencies again. */
const RESWEEP_EVERY = 10;
const REGISTER_GRACE_MS = 5_000;
/** Hand-over records applied per round, blocked jobs re-registered per queue per resweep. */
const ROUND = 500;
const RESWEEP_JOBS = 50;

/**
 * Job dependencies on Redis. A dependency and its dependent may sit in different hash slots, so no
 * script can touch both: the blocked job is written in its slot (enqueue-blocked.lua), then listed
 * with each dependency in the dependency's slot (depend.lua). The script that ends a dependency writes
 * hand-over records in its own slot in the same run (includes/handover.lua); this class applies them in
 * the dependent's slot (unblock.lua, idempotent) and then deletes them. A crash in between leaves the
 * records, which a periodic sweep of every worker process applies; a producer that died between the
 * two writes leaves a blocked job unregistered, which the slower resweep registers.
 */
export class RedisDependencies implements DependencyPort {
  private readonly tracked = new Set<string>();
  /** Queues with dependency work in this process lately, and when. */
  private readonly hot = new Map<string, number>();
  private readonly visits = new Map<string, number>();
  private turn: Iterator<string> | undefined;
  private readonly drains = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;
  /** After close no sweep starts (a settle in flight may still report a hand-over); open() again allows it. */
  private closed = false;
  private readonly resweepOffsets = new Map<string, number>();

  constructor(private readonly context: DriverContext, private readonly report: (error: unknown) => void) {}

  /** Enqueues jobs that have `dependsOn`: refused whole if a dependency is missing, else blocked and registered. */
  async enqueue(jobs: NewJob[]): Promise<EnqueueResult[]> {
    await this.checkExist(jobs);
    const results: EnqueueResult[] = new Array<EnqueueResult>(jobs.length);
    await Promise.all([...groupBy(jobs.map((job, index) => ({ job, index })), (item) => item.job.queue)].map(async ([queue, items]) => {
      const replies = await this.context.runner.call(enqueueBlockedScript, queue, items.map((item) => item.job));
      replies.forEach((reply, n) => (results[items[n]!.index] = reply));
    }));
    for (const job of jobs) this.heat(job.queue);
    await this.register(jobs.filter((_, index) => results[index]!.created));
    return results;
  }

  /** A queue this process works on: its hand-over records are swept from now on. */
  track(queue: string): void {
    if (this.closed || this.tracked.has(queue)) return;
    this.tracked.add(queue);
    this.timer ??= setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref?.();
  }

  /** A queue with dependency work here now: swept often for a while. */
  private heat(queue: string): void {
    this.track(queue);
    this.hot.set(queue, Date.now());
  }

  /** Applies the hand-over records of `queue` (a job there just ended); one drain per queue at a time, re-run if asked meanwhile. */
  drain(queue: string): Promise<void> {
    const running = this.drains.get(queue);
    if (running) {
      this.again.add(queue);
      return running;
    }
    const run = (async (): Promise<void> => {
      do {
        this.again.delete(queue);
        await this.drainOnce(queue);
      } while (this.again.has(queue));
    })().finally(() => this.drains.delete(queue));
    this.drains.set(queue, run);
    return run;
  }

  /** `drain`, for callers that must not wait or fail on it: the sweep retries what fails. */
  drainSoon(queue: string): void {
    if (this.closed) return;
    this.heat(queue);
    this.drain(queue).catch(this.report);
  }

  async dependencies(queue: string, id: string): Promise<DependencyStatus[] | null> {
    await this.context.ready();
    const hash = await this.context.client.hgetall(this.context.keys.dependency(queue, `deps:${id}`));
    if (!hash.refs) return null;
    const refs = JSON.parse(hash.refs) as Array<[string, string]>;
    return refs.map(([refQueue, refId], index): DependencyStatus => {
      const status: DependencyStatus = { queue: refQueue, id: refId };
      const outcome = hash[`o${index}`];
      if (outcome !== undefined) status.outcome = OUTCOMES[outcome] ?? 'missing';
      const result = hash[`r${index}`];
      if (result !== undefined) status.result = result;
      return status;
    });
  }

  /** The driver opened (again). */
  open(): void {
    this.closed = false;
  }

  close(): Promise<void> {
    this.closed = true;
    this.tracked.clear();
    this.hot.clear();
    this.turn = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Promise.all([...this.drains.values()].map((run) => run.catch(() => undefined))).then(() => undefined);
  }

  /** Every dependency must exist (unless the job itself does: that enqueue changes nothing). */
  private async checkExist(jobs: NewJob[]): Promise<void> {
    const { client, keys } = this.context;
    const own = await Promise.all(jobs.map((job) => client.hexists(keys.key(job.queue, 'v2:jobs'), job.id)));
    const fresh = jobs.filter((_, index) => own[index] === 0);
    const refs = fresh.flatMap((job) => job.dependsOn!.map((ref) => ({ job, ref })));
    await Promise.all([...groupBy(refs, (item) => item.ref.queue)].map(async ([queue, items]) => {
      for (let start = 0; start < items.length; start += 5_000) {
        const chunk = items.slice(start, start + 5_000);
        const found = await client.hmget(keys.key(queue, 'v2:jobs'), ...chunk.map((item) => item.ref.id));
        const missing = chunk.find((_, index) => found[index] === null);
        if (missing) throw new MissingDependencyError(missing.job.id, missing.ref.queue, missing.ref.id);
      }
    }));
  }

  /** Lists blocked jobs (or some of their dependencies) with those dependencies; applies what ended already. */
  private async register(jobs: Array<{ queue: string; id: string; dependsOn?: JobRef[]; only?: number[] }>): Promise<void> {
    const entries = jobs.flatMap((job) => (job.only ?? job.dependsOn!.map((_, index) => index)).map((index) => {
      const ref = job.dependsOn![index]!;
      return { queue: ref.queue, dependencyId: ref.id, entry: dependentEntry(job.queue, job.id, index) };
    }));
    await Promise.all([...groupBy(entries, (entry) => entry.queue)].map(async ([queue, items]) => {
      this.heat(queue);
      let written = 0;
      for (let start = 0; start < items.length; start += 5_000) written += await this.context.runner.call(dependScript, queue, items.slice(start, start + 5_000));
      if (written > 0) await this.drain(queue);
    }));
  }

  private async drainOnce(queue: string): Promise<void> {
    const { client, keys, runner } = this.context;
    const key = keys.dependency(queue, 'handover');
    for (;;) {
      const [, flat] = await client.hscan(key, '0', 'COUNT', ROUND);
      if (flat.length === 0) return;
      const records: HandoverRecord[] = [];
      for (let n = 0; n < flat.length; n += 2) {
        const [dependentQueue, id, index] = JSON.parse(flat[n]!) as [string, string, number];
        records.push({ field: flat[n]!, queue: dependentQueue, id, index, value: flat[n + 1]! });
      }
      await Promise.all([...groupBy(records, (record) => record.queue)].map(async ([dependentQueue, group]) => {
        // A job that died of a failed dependency hands that on in its own queue.
        if ((await runner.call(unblockScript, dependentQueue, group)) > 0) this.drainSoon(dependentQueue);
      }));
      await client.hdel(key, ...records.map((record) => record.field));
    }
  }

  private async tick(): Promise<void> {
    const queues = new Set<string>();
    if (++this.ticks % HOT_EVERY === 0) {
      for (const [queue, at] of this.hot) {
        if (Date.now() - at > HOT_MS) this.hot.delete(queue);
        else queues.add(queue);
      }
    }
    const next = this.nextInTurn();
    if (next !== undefined) queues.add(next);
    for (const queue of queues) {
      try {
        await this.drain(queue);
        if (queue === next) {
          const visits = (this.visits.get(queue) ?? 0) + 1;
          this.visits.set(queue, visits);
          if (visits % RESWEEP_EVERY === 0) await this.resweep(queue);
        }
      } catch (error) {
        this.report(error);
      }
    }
  }

  /** The tracked queues one by one, round and round. */
  private nextInTurn(): string | undefined {
    if (this.tracked.size === 0) return undefined;
    let step = this.turn?.next();
    if (!step || step.done) {
      this.turn = this.tracked.values();
      step = this.turn.next();
    }
    return step.done ? undefined : step.value;
  }

  /** Registers blocked jobs older than the grace time again, for the dependencies they have no outcome of (idempotent). */
  private async resweep(queue: string): Promise<void> {
    const { client, keys } = this.context;
    const offset = this.resweepOffsets.get(queue) ?? 0;
    const ids = await client.zrangebyscore(keys.dependency(queue, 'blocked'), '-inf', Date.now() - REGISTER_GRACE_MS, 'LIMIT', offset, RESWEEP_JOBS);
    this.resweepOffsets.set(queue, ids.length < RESWEEP_JOBS ? 0 : offset + RESWEEP_JOBS);
    const jobs = await Promise.all(ids.map(async (id) => {
      const statuses = await this.dependencies(queue, id);
      const only = (statuses ?? []).flatMap((status, index) => (status.outcome === undefined ? [index] : []));
      return { queue, id, dependsOn: statuses ?? [], only };
    }));
    await this.register(jobs.filter((job) => job.only.length > 0));
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
