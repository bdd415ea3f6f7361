import type { RetentionOptions } from '@nest-jobs/core';
import type { LeaseOutcome, LeaseRef, NewJob } from '@nest-jobs/core/driver';
import { type FuzzContext, Violation, expectSame, timed } from './context.js';
import { fetchStep } from './fetch-step.js';
import { type ModelJob, timing } from './model.js';

const PRIORITIES = [0, 0, 0, 1, 5, -2] as const;
export type StepKind = 'enqueue' | 'enqueueMany' | 'fetch' | 'complete' | 'fail' | 'extend' | 'release'
  | 'advance' | 'retry' | 'retryAll' | 'remove' | 'pause' | 'resume' | 'cancel';

/** Step mix: enough fetches and settles to keep jobs moving, admin calls now and then. */
export function stepWeights(ctx: FuzzContext): Record<StepKind, number> {
  const crowded = ctx.model.jobs.size > 120;
  return {
    enqueue: crowded ? 2 : 12, enqueueMany: crowded ? 1 : 6, fetch: 18, complete: 12, fail: 10, extend: 4, release: 3,
    advance: 9, retry: 4, retryAll: 1, remove: crowded ? 10 : 4, pause: 1, resume: 2, cancel: 3,
  };
}

export function runStep(ctx: FuzzContext, kind: StepKind): Promise<string> {
  switch (kind) {
    case 'enqueue': return enqueueStep(ctx, 1);
    case 'enqueueMany': return enqueueStep(ctx, ctx.rng.int(2, 4));
    case 'fetch': return fetchStep(ctx);
    case 'complete': return completeStep(ctx);
    case 'fail': return failStep(ctx);
    case 'extend': return leaseStep(ctx, 'extend');
    case 'release': return leaseStep(ctx, 'release');
    case 'advance': return advanceStep(ctx);
    case 'retry': return retryStep(ctx);
    case 'retryAll': return retryAllStep(ctx);
    case 'remove': return removeStep(ctx);
    case 'pause': return pauseStep(ctx, true);
    case 'resume': return pauseStep(ctx, false);
    case 'cancel': return cancelStep(ctx);
  }
}

/** A fresh id mostly; sometimes one that exists (a no-op enqueue) or one removed earlier (created again). */
function chooseId(ctx: FuzzContext): string {
  const { rng, model } = ctx;
  if (model.jobs.size > 0 && rng.chance(0.15)) return rng.pick([...model.jobs.keys()]);
  if (model.removed.size > 0 && rng.chance(0.05)) return rng.pick([...model.removed]);
  return `j${++ctx.nextId}`;
}

/** Mostly a live lease; else any token ever issued (often stale) or one never issued. */
function chooseRef(ctx: FuzzContext): LeaseRef {
  const { rng, model } = ctx;
  const active = model.idsIn('active');
  const roll = rng.next();
  if (active.length > 0 && roll < 0.65) {
    const id = rng.pick(active);
    return { id, token: model.jobs.get(id)!.token! };
  }
  if (model.tokens.length > 0 && roll < 0.95) {
    // Half the time a token whose job another fetch now holds: the fencing case, rare if left to chance.
    const stale = rng.chance(0.5) ? model.tokens.filter((ref) => model.isStale(ref.id, ref.token)) : [];
    return rng.pick(stale.length > 0 ? stale : model.tokens);
  }
  return { id: model.jobs.size > 0 ? rng.pick([...model.jobs.keys()]) : 'j0', token: 'never-issued' };
}

async function enqueueStep(ctx: FuzzContext, count: number): Promise<string> {
  const { rng, model } = ctx;
  const jobs: NewJob[] = [];
  for (let index = 0; index < count; index++) {
    // An id repeated inside one batch: the second must see the first, as separate calls would.
    const id = index > 0 && rng.chance(0.15) ? jobs[index - 1]!.id : chooseId(ctx);
    const now = ctx.clock.now();
    const delay = rng.chance(0.3) ? rng.int(20, 300) : 0;
    jobs.push({ id, queue: ctx.queue, name: 'Fuzz.job', payload: '{}', priority: rng.pick(PRIORITIES), maxAttempts: rng.int(1, 3), runAt: now + delay, enqueuedAt: now });
  }
  const { value: results, window } = await timed(ctx, () => ctx.driver.enqueue(jobs));
  expectSame('enqueue: one result per job', results.length, jobs.length);
  jobs.forEach((input, index) => {
    const result = results[index]!;
    ctx.touched.add(input.id);
    const existing = model.jobs.get(input.id);
    if (existing) return expectSame(`enqueue of existing ${input.id}`, [result.id, result.created, result.state], [input.id, false, existing.state]);
    const when = input.runAt > input.enqueuedAt ? timing(window, input.runAt) : 'passed';
    const allowed = when === 'passed' ? ['waiting'] : when === 'future' ? ['delayed'] : ['waiting', 'delayed'];
    if (!result.created || !allowed.includes(result.state)) {
      throw new Violation(`enqueue of new ${input.id}: expected created in ${allowed.join('|')}, got ${JSON.stringify(result)}`);
    }
    const job: ModelJob = { id: input.id, priority: input.priority, maxAttempts: input.maxAttempts, state: 'waiting', attempt: 0, errors: 0, runAt: input.runAt };
    model.create(job);
    if (result.state === 'waiting') model.toWaiting(job);
    else model.toDelayed(job, input.runAt);
  });
  return `enqueue [${jobs.map((job) => `${job.id} p${job.priority} a${job.maxAttempts}${job.runAt > job.enqueuedAt ? ` +${job.runAt - job.enqueuedAt}ms` : ''}`).join(', ')}]`;
}

/** What each settle item should get: the model's verdict, applied item by item as the driver does. */
function expectOutcomes(ctx: FuzzContext, what: string, refs: LeaseRef[], outcomes: LeaseOutcome[], apply: (job: ModelJob, index: number) => void): void {
  expectSame(`${what} [${refs.map((ref) => `${ref.id}#${ref.token}`).join(' ')}]: one outcome per item`, outcomes.length, refs.length);
  refs.forEach((ref, index) => {
    ctx.touched.add(ref.id);
    const stale = ctx.model.isStale(ref.id, ref.token);
    const expected: LeaseOutcome = ctx.model.held(ref.id, ref.token) ? 'ok' : 'lost';
    expectSame(`${what} [${refs.map((r) => `${r.id}#${r.token}`).join(' ')}] → ${outcomes.join(',')}: item ${index}${stale ? ' (stale token)' : ''}`, outcomes[index], expected);
    if (stale) ctx.stats.staleRejected++;
    if (expected === 'ok') apply(ctx.model.jobs.get(ref.id)!, index);
  });
}

async function completeStep(ctx: FuzzContext): Promise<string> {
  const { rng, model } = ctx;
  const refs = Array.from({ length: rng.int(1, 2) }, () => chooseRef(ctx));
  const roll = rng.next();
  const retention: RetentionOptions | undefined = roll < 0.2 ? true : roll < 0.35 ? { count: rng.int(0, 4) } : undefined;
  const items = refs.map((ref) => ({ ...ref, result: '1', ...(retention !== undefined && { retention }) }));
  const outcomes = await ctx.driver.complete(ctx.queue, items);
  expectOutcomes(ctx, `complete${retention === undefined ? '' : ` (retention ${JSON.stringify(retention)})`}`, refs, outcomes, (job) => {
    if (retention === true) {
      // Completed (and announced) first, then dropped at once.
      model.events.completed++;
      return model.remove(job.id);
    }
    model.toCompleted(job);
    if (typeof retention === 'object') trimCompleted(ctx, retention.count!);
  });
  return `complete${retention === undefined ? '' : ` (retention ${JSON.stringify(retention)})`} [${refs.map((ref) => `${ref.id}#${ref.token}`).join(' ')}] → ${outcomes.join(',')}`;
}

/** Retention `{ count }`: the oldest completed jobs go until `count` are left. */
function trimCompleted(ctx: FuzzContext, count: number): void {
  const completed = ctx.model.idsIn('completed').map((id) => ctx.model.jobs.get(id)!).sort((a, b) => a.finishSeq! - b.finishSeq!);
  for (const job of completed.slice(0, Math.max(0, completed.length - count))) {
    ctx.model.remove(job.id);
    ctx.touched.add(job.id);
  }
}

/** Fails one try the way core decides: retry while tries are left (now or later), else dead; sometimes unrecoverable. */
async function failStep(ctx: FuzzContext): Promise<string> {
  const { rng, model } = ctx;
  const ref = chooseRef(ctx);
  const job = model.jobs.get(ref.id);
  const unrecoverable = rng.chance(0.1);
  const retry = job !== undefined && job.attempt < job.maxAttempts && !unrecoverable;
  const delay = rng.chance(0.5) ? 0 : rng.int(20, 300);
  // ctx.retry() records no error; only a retry can come without one.
  const message = retry && rng.chance(0.2) ? undefined : `boom ${ctx.nextId}`;
  const retryAt = retry ? ctx.clock.now() + delay : undefined;
  const item = { ...ref, ...(message !== undefined && { error: { message, name: 'Error' } }), ...(retryAt !== undefined && { retryAt }) };
  const { value: outcomes, window } = await timed(ctx, () => ctx.driver.fail(ctx.queue, [item]));
  expectOutcomes(ctx, 'fail', [ref], outcomes, (held) => {
    if (message !== undefined) model.recordError(held, message);
    if (retryAt === undefined) {
      ctx.stats.deaths++;
      return model.toDead(held);
    }
    model.events.retrying++;
    const when = timing(window, retryAt);
    if (when === 'passed') return model.toWaiting(held);
    model.toDelayed(held, retryAt);
    if (when === 'unsure') model.undecided.set(held.id, [{ state: 'delayed', apply: () => undefined }, { state: 'waiting', apply: (j) => model.toWaiting(j) }]);
  });
  return `fail ${ref.id}#${ref.token} ${retryAt === undefined ? 'dead' : `retry +${delay}ms`}${message ? '' : ' (no error)'} → ${outcomes.join(',')}`;
}

async function leaseStep(ctx: FuzzContext, kind: 'extend' | 'release'): Promise<string> {
  const refs = Array.from({ length: ctx.rng.int(1, 2) }, () => chooseRef(ctx));
  const leaseMs = ctx.rng.chance(0.5) ? ctx.rng.int(30, 150) : 60_000;
  if (kind === 'release') {
    const outcomes = await ctx.driver.release(ctx.queue, refs);
    const released: ModelJob[] = [];
    expectOutcomes(ctx, 'release', refs, outcomes, (job) => {
      job.attempt = Math.max(0, job.attempt - 1);
      // Waiting at once (a second ref to the same lease in this call is then lost); its place follows.
      ctx.model.toWaiting(job, 0);
      released.push(job);
    });
    let place = ctx.model.reserveFront(released.length);
    for (const job of released) job.seq = place++;
    return `release [${refs.map((ref) => `${ref.id}#${ref.token}`).join(' ')}] → ${outcomes.join(',')}`;
  }
  const { value: outcomes, window } = await timed(ctx, () => ctx.driver.extend(ctx.queue, refs, leaseMs));
  expectOutcomes(ctx, 'extend', refs, outcomes, (job) => {
    job.leaseLo = window.t0 + leaseMs - window.slack;
    job.leaseHi = window.t1 + leaseMs + window.slack;
  });
  return `extend ${leaseMs}ms [${refs.map((ref) => `${ref.id}#${ref.token}`).join(' ')}] → ${outcomes.join(',')}`;
}

async function advanceStep(ctx: FuzzContext): Promise<string> {
  const ms = ctx.rng.int(10, 200);
  await ctx.clock.advance(ms);
  return `advance ${ms}ms`;
}

async function retryStep(ctx: FuzzContext): Promise<string> {
  const { rng, model } = ctx;
  const dead = model.idsIn('dead');
  const id = dead.length > 0 && rng.chance(0.8) ? rng.pick(dead) : chooseId(ctx);
  const job = model.jobs.get(id);
  const moved = await ctx.driver.retry(ctx.queue, id);
  ctx.touched.add(id);
  expectSame(`retry of ${id} (${job?.state ?? 'absent'})`, moved, job?.state === 'dead');
  if (job && moved) {
    model.revive(job, true);
    ctx.stats.revived++;
  }
  return `retry ${id} → ${moved}`;
}

async function retryAllStep(ctx: FuzzContext): Promise<string> {
  const dead = ctx.model.idsIn('dead');
  const moved = await ctx.driver.retryAllDead(ctx.queue);
  expectSame('retryAllDead: jobs moved', moved, dead.length);
  for (const id of dead) {
    // Revived oldest death first; the check learns the places from the waiting list.
    ctx.model.revive(ctx.model.jobs.get(id)!, false);
    ctx.touched.add(id);
  }
  ctx.stats.revived += moved;
  return `retryAllDead → ${moved}`;
}

async function removeStep(ctx: FuzzContext): Promise<string> {
  const { rng, model } = ctx;
  const id = model.jobs.size > 0 && rng.chance(0.85) ? rng.pick([...model.jobs.keys()]) : chooseId(ctx);
  const state = model.jobs.get(id)?.state;
  const removed = await ctx.driver.remove(ctx.queue, id);
  ctx.touched.add(id);
  expectSame(`remove of ${id} (${state ?? 'absent'})`, removed, state !== undefined);
  if (removed) model.remove(id);
  return `remove ${id} (${state ?? 'absent'}) → ${removed}`;
}

async function pauseStep(ctx: FuzzContext, paused: boolean): Promise<string> {
  await (paused ? ctx.driver.pause(ctx.queue) : ctx.driver.resume(ctx.queue));
  ctx.model.paused = paused;
  return paused ? 'pause' : 'resume';
}

const UNFINISHED: readonly string[] = ['waiting', 'delayed', 'active'];

/** Cancels a job in any state (mostly an unfinished one): its lease is void at once, it never runs again. */
async function cancelStep(ctx: FuzzContext): Promise<string> {
  const { rng, model } = ctx;
  const unfinished = [...model.jobs.values()].filter((job) => UNFINISHED.includes(job.state)).map((job) => job.id);
  const id = unfinished.length > 0 && rng.chance(0.8) ? rng.pick(unfinished) : chooseId(ctx);
  const job = model.jobs.get(id);
  const reason = rng.chance(0.5) ? `stop ${ctx.nextId}` : undefined;
  const outcome = await ctx.driver.cancel(ctx.queue, id, reason);
  ctx.touched.add(id);
  const expected = !job ? 'missing' : UNFINISHED.includes(job.state) ? 'cancelled' : 'finished';
  expectSame(`cancel of ${id} (${job?.state ?? 'absent'})`, outcome, expected);
  if (job && outcome === 'cancelled') {
    ctx.stats.cancelled++;
    if (job.state === 'active') ctx.stats.cancelledActive++;
    model.toCancelled(job, reason ?? 'cancelled');
  }
  return `cancel ${id} (${job?.state ?? 'absent'})${reason ? ` "${reason}"` : ''} → ${outcome}`;
}
