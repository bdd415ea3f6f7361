import { JOB_STATES, type JobRecord, type JobState } from '@nest-jobs/core';
import { type FuzzContext, Violation, expectSame } from './context.js';
import type { ModelJob } from './model.js';

const ALL = { offset: 0, limit: 100_000 };

/**
 * After every step: each job in exactly one state list, the record agreeing
 * with its list, counts equal to the lists and to the model, nothing gone
 * that wasn't removed, waiting in fetch order and completed newest first.
 */
export async function checkInvariants(ctx: FuzzContext): Promise<void> {
  const { driver, queue, model } = ctx;
  const [counts, paused, ...lists] = await Promise.all([
    driver.counts(queue), driver.isPaused(queue), ...JOB_STATES.map((state) => driver.list(queue, state, ALL)),
  ]);
  const listed = new Map<string, JobRecord>();
  JOB_STATES.forEach((state, index) => {
    for (const record of lists[index]!) {
      const other = listed.get(record.id);
      if (other) throw new Violation(`${record.id} is listed as both ${other.state} and ${state}`);
      if (record.state !== state) throw new Violation(`${record.id} is in the ${state} list but its record says ${record.state}`);
      listed.set(record.id, record);
    }
    expectSame(`counts().${state} vs list(${state}).length`, counts[state], lists[index]!.length);
  });

  resolveUndecided(ctx, listed);
  for (const job of model.jobs.values()) {
    const record = listed.get(job.id);
    if (!record) throw new Violation(`${job.id} vanished (model: ${job.state}, never removed)`);
    expectRecord(job, record);
  }
  for (const id of listed.keys()) {
    if (!model.jobs.has(id)) throw new Violation(`${id} is listed as ${listed.get(id)!.state} but ${model.removed.has(id) ? 'was removed' : 'was never enqueued'}`);
  }
  expectSame('counts()', counts, model.counts());
  expectSame('isPaused()', paused, model.paused);

  const list = (state: JobState): JobRecord[] => lists[JOB_STATES.indexOf(state)]!;
  placeWaiting(ctx, list('waiting'));
  checkNewestFirst(ctx, 'completed', list('completed'));
  checkNewestFirst(ctx, 'dead', list('dead'));
  const runAts = list('delayed').map((record) => record.runAt);
  if (runAts.some((runAt, index) => index > 0 && runAt < runAts[index - 1]!)) throw new Violation(`delayed list is not by run time: ${runAts.join(',')}`);
  await checkGetJob(ctx, listed);
}

/** Adopts the driver's state for jobs whose step outcome depended on timing, if it was an allowed one. */
function resolveUndecided(ctx: FuzzContext, listed: Map<string, JobRecord>): void {
  for (const [id, outcomes] of ctx.model.undecided) {
    const state = listed.get(id)?.state;
    const outcome = outcomes.find((candidate) => candidate.state === state);
    if (!outcome) throw new Violation(`${id} is ${state ?? 'gone'}, expected one of ${outcomes.map((o) => o.state).join('|')}`);
    outcome.apply(ctx.model.jobs.get(id)!);
    ctx.stats.timingResolved++;
  }
  ctx.model.undecided.clear();
}

function expectRecord(job: ModelJob, record: JobRecord): void {
  const actual = [record.state, record.attempt, record.errors.length, record.errors.at(-1)?.message, record.priority, record.maxAttempts];
  const expected = [job.state, job.attempt, job.errors, job.lastError, job.priority, job.maxAttempts];
  expectSame(`${job.id}: [state, attempt, errors, last error, priority, maxAttempts]`, actual, expected);
  if (job.state === 'delayed') expectSame(`${job.id}: runAt`, record.runAt, job.runAt);
}

/**
 * Waiting must be in fetch order: priority first, then place. Jobs that
 * entered waiting in one call in an order the model leaves open get their
 * places from the list, after every known place (they entered later).
 */
function placeWaiting(ctx: FuzzContext, waiting: JobRecord[]): void {
  const jobs = waiting.map((record) => ctx.model.jobs.get(record.id)!);
  for (const job of jobs) if (job.seq === undefined) job.seq = ctx.model.nextSeq();
  jobs.forEach((job, index) => {
    const before = jobs[index - 1];
    if (!before) return;
    if (before.priority < job.priority || (before.priority === job.priority && before.seq! >= job.seq!)) {
      throw new Violation(`waiting list out of fetch order at ${before.id} (p${before.priority}) → ${job.id} (p${job.priority}): ${jobs.map((j) => j.id).join(',')}`);
    }
  });
}

/** Completed and dead list newest first; jobs that died together in one fetch take their places from the list. */
function checkNewestFirst(ctx: FuzzContext, state: JobState, records: JobRecord[]): void {
  const jobs = records.map((record) => ctx.model.jobs.get(record.id)!);
  for (const job of [...jobs].reverse()) if (job.finishSeq === undefined) job.finishSeq = ctx.model.nextFinish();
  if (jobs.some((job, index) => index > 0 && job.finishSeq! >= jobs[index - 1]!.finishSeq!)) {
    throw new Violation(`${state} list is not newest first: ${jobs.map((job) => job.id).join(',')}`);
  }
}

/** getJob agrees with the lists for the ids the step touched, a few others, and says null for removed ones. */
async function checkGetJob(ctx: FuzzContext, listed: Map<string, JobRecord>): Promise<void> {
  const { rng, model } = ctx;
  const ids = new Set(ctx.touched);
  if (model.jobs.size > 0) for (let index = 0; index < 2; index++) ids.add(rng.pick([...model.jobs.keys()]));
  if (model.removed.size > 0) ids.add(rng.pick([...model.removed]));
  ctx.touched.clear();
  const records = await Promise.all([...ids].map((id) => ctx.driver.getJob(ctx.queue, id)));
  [...ids].forEach((id, index) => {
    const record = records[index];
    const expected: JobState | null = model.jobs.get(id)?.state ?? null;
    expectSame(`getJob(${id}).state`, record?.state ?? null, expected);
    if (record) expectSame(`getJob(${id}) vs list record`, { ...record }, { ...listed.get(id)! });
  });
}
