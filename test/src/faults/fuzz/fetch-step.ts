import type { LeasedJob } from '@nest-jobs/core/driver';
import { type FuzzContext, Violation, expectSame, timed } from './context.js';
import { type ModelJob, timing } from './model.js';

/** A job fetch could lease: already waiting (group 0, place known) or put in waiting by this very fetch (group 1). */
interface Candidate {
  job: ModelJob;
  group: 0 | 1;
}

/** Whether `b` must be fetched before `a`: higher priority, then FIFO; group 1 entered waiting after every group 0 job. */
function precedes(b: Candidate, a: Candidate): boolean {
  if (b.job.priority !== a.job.priority) return b.job.priority > a.job.priority;
  if (b.group !== a.group) return b.group < a.group;
  return b.group === 0 && b.job.seq! < a.job.seq!;
}

/**
 * fetch: promote due delayed jobs, recover expired leases (waiting again, or
 * dead on the last try), then lease the best waiting jobs unless paused.
 * Timing decides only for jobs whose instant fell inside the call window.
 */
export async function fetchStep(ctx: FuzzContext): Promise<string> {
  const { model, rng, stats } = ctx;
  const max = rng.int(1, 3);
  const leaseMs = rng.chance(0.4) ? rng.int(30, 150) : 60_000;
  const { value: leased, window } = await timed(ctx, () => ctx.driver.fetch(ctx.queue, { max, leaseMs }));

  const certain: Candidate[] = [];
  const maybe = new Map<string, ModelJob>();
  for (const job of [...model.jobs.values()]) {
    if (job.state === 'waiting') certain.push({ job, group: 0 });
    if (job.state === 'delayed') {
      const when = timing(window, job.runAt);
      if (when === 'unsure') maybe.set(job.id, job);
      if (when !== 'passed') continue;
      model.toWaitingUnplaced(job);
      certain.push({ job, group: 1 });
    }
    if (job.state === 'active') {
      const when = timing(window, job.leaseLo!, job.leaseHi!);
      if (when === 'unsure') maybe.set(job.id, job);
      if (when !== 'passed') continue;
      stats.leasesExpired++;
      if (model.expireLease(job) === 'waiting') certain.push({ job, group: 1 });
      else stats.deaths++;
    }
  }

  const ids = leased.map((job) => job.id);
  if (new Set(ids).size !== ids.length) throw new Violation(`fetch leased a job twice: ${ids.join(',')}`);
  if (model.paused) expectSame('fetch from a paused queue', ids, []);
  const least = Math.min(max, certain.length);
  const most = Math.min(max, certain.length + maybe.size);
  if (!model.paused && (ids.length < least || ids.length > most)) {
    throw new Violation(`fetch(max ${max}) leased ${ids.length} jobs, expected ${least === most ? least : `${least}..${most}`}`);
  }

  const chosen = leased.map((record): Candidate => {
    const known = certain.find((candidate) => candidate.job.id === record.id);
    if (known) return known;
    const job = maybe.get(record.id);
    if (!job) throw new Violation(`fetch leased ${record.id}, which was not waiting nor due (model: ${model.jobs.get(record.id)?.state ?? 'absent'})`);
    if (job.state === 'active') {
      // Its lease ran out inside the call window and the same fetch leased it again.
      stats.leasesExpired++;
      if (job.attempt >= job.maxAttempts) throw new Violation(`fetch re-leased ${job.id} after its last try expired`);
      model.expireLease(job);
    }
    maybe.delete(record.id);
    return { job, group: 1 };
  });
  checkFetchOrder(chosen, certain);

  for (const [index, candidate] of chosen.entries()) {
    // Fetched group 1 jobs entered waiting before the unfetched ones of their priority: places in fetch order.
    if (candidate.group === 1) candidate.job.seq = model.nextSeq();
    applyLease(ctx, candidate.job, leased[index]!, window.t0 + leaseMs - window.slack, window.t1 + leaseMs + window.slack);
  }

  for (const job of maybe.values()) {
    model.undecided.set(job.id, job.state === 'delayed'
      ? [{ state: 'delayed', apply: () => undefined }, { state: 'waiting', apply: (j) => model.toWaitingUnplaced(j) }]
      : [
          { state: 'active', apply: () => undefined },
          { state: job.attempt >= job.maxAttempts ? 'dead' : 'waiting', apply: (j) => void model.expireLease(j) },
        ]);
    ctx.touched.add(job.id);
  }
  return `fetch(max ${max}, lease ${leaseMs}) → [${leased.map((job) => `${job.id}#${job.token}`).join(' ')}]`;
}

/** Leased jobs come best first, and no better candidate was left behind. */
function checkFetchOrder(chosen: Candidate[], certain: Candidate[]): void {
  const chosenIds = new Set(chosen.map((candidate) => candidate.job.id));
  for (const [index, a] of chosen.entries()) {
    for (const b of chosen.slice(index + 1)) {
      if (precedes(b, a)) throw new Violation(`fetch returned ${a.job.id} before ${b.job.id}, which comes first`);
    }
    for (const b of certain) {
      if (!chosenIds.has(b.job.id) && precedes(b, a)) {
        throw new Violation(`fetch leased ${a.job.id} (priority ${a.job.priority}) but left ${b.job.id} (priority ${b.job.priority}), which comes first`);
      }
    }
  }
}

function applyLease(ctx: FuzzContext, job: ModelJob, record: LeasedJob, earliest: number, latest: number): void {
  expectSame(`fetched ${job.id}: attempt`, record.attempt, job.attempt + 1);
  expectSame(`fetched ${job.id}: priority/maxAttempts`, [record.priority, record.maxAttempts], [job.priority, job.maxAttempts]);
  if (record.leaseUntil < earliest || record.leaseUntil > latest) {
    throw new Violation(`fetched ${job.id}: leaseUntil ${record.leaseUntil} outside [${earliest}, ${latest}]`);
  }
  if (ctx.model.wasIssued(job.id, record.token)) {
    throw new Violation(`fetched ${job.id}: token ${record.token} was issued before`);
  }
  ctx.model.lease(job, record.token, record.leaseUntil);
  ctx.touched.add(job.id);
}
