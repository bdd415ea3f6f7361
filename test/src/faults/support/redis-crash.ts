import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Job, getProducerToken, type JobContext, type JobState, type Producer } from '@nest-jobs/core';
import { RedisDriver } from '@nest-jobs/redis';
import { startRedisServer } from '@nest-jobs/redis/testing';
import { bootJobsApp } from './boot.js';
import { uniquePrefix } from './redis.js';

/** Counts every run of every job in this process: the test's ledger, independent of the Redis that crashes. */
@Injectable()
export class CrashLoadJobs {
  readonly runs = new Map<string, number>();
  lastRunAt = 0;

  @Job({ concurrency: 16, attempts: 100 })
  async record(_payload: { n: number }, ctx: JobContext): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.runs.set(ctx.id, (this.runs.get(ctx.id) ?? 0) + 1);
    this.lastRunAt = Date.now();
  }
}

export interface CrashOutcome {
  /** Enqueues whose promise resolved: the producer was told the job exists. */
  acked: number;
  /** Acknowledged ids that Redis no longer knows right after the restart. */
  missing: string[];
  /** Of the missing, those whose handler never ran: work really lost. */
  missingNeverRun: number;
  /** Enqueues that rejected (Redis down): the producer knows they may not exist. */
  refused: number;
  /** Restart → first job run by the surviving app (workers resumed with no manual step). */
  resumeMs: number;
  /** Restart → first enqueue acknowledged again (ioredis reconnects with backoff). */
  enqueueBackMs: number;
  /** Acknowledged, not missing, and completed in Redis by the end. */
  completed: number;
  /** Jobs whose handler ran more than once (at-least-once after a lost ack). */
  duplicates: number;
  /** States of the surviving acked jobs that never reached completed within the bound. */
  unfinished: Record<string, number>;
  refusals: string[];
  /** Longest single enqueue call, ok or refused: a producer must never hang on a dead Redis. */
  slowestEnqueueMs: number;
}

const PRODUCERS = 4;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Producers enqueue through a real Nest app's Producer while its workers run;
 * redis-server (AOF with `appendfsync`) is SIGKILLed mid-load and restarted on
 * the same port and dir. The same app and driver must carry on by themselves;
 * the survivors count as unfinished once no job has completed for `stallMs`.
 */
export async function crashUnderLoad(appendfsync: 'always' | 'everysec', stallMs = 15_000): Promise<CrashOutcome> {
  const server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', appendfsync] });
  const driver = new RedisDriver({ url: server.url, prefix: uniquePrefix(`crash-${appendfsync}`), logger: { warn: () => undefined } });
  let app: INestApplicationContext | undefined;
  try {
    app = await bootJobsApp([CrashLoadJobs], { driver, leaseMs: 1_000, fetchBatchSize: 16, shutdownTimeout: 1_000 });
    const jobs = app.get(CrashLoadJobs);
    const producer = app.get<Producer<CrashLoadJobs>>(getProducerToken(CrashLoadJobs));
    const acked: string[] = [];
    const refusals = new Set<string>();
    let refused = 0;
    let slowestEnqueueMs = 0;
    let stopping = false;
    let firstAckAfterRestart = 0;
    let restartedAt = Number.POSITIVE_INFINITY;
    const produce = async (lane: number): Promise<void> => {
      for (let n = 0; !stopping; n++) {
        const jobId = `p${lane}-${n}`;
        const started = Date.now();
        const refusal = await producer.enqueue('record', { n }, { jobId }).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error.message : 'a rejection that is not an Error'),
        );
        slowestEnqueueMs = Math.max(slowestEnqueueMs, Date.now() - started);
        if (refusal === undefined) {
          acked.push(jobId);
          if (Date.now() > restartedAt && firstAckAfterRestart === 0) firstAckAfterRestart = Date.now();
        } else {
          refused++;
          refusals.add(refusal.replace(/of \d+ job/, 'of N job'));
          await sleep(20);
        }
        if (n % 50 === 49) await sleep(1); // lets the workers' own calls in between the producers'
      }
    };
    const lanes = Array.from({ length: PRODUCERS }, (_, lane) => produce(lane));

    await sleep(2_000);
    await server.kill('SIGKILL');
    await sleep(1_000);
    await server.restart();
    restartedAt = Date.now();
    await waitFor(() => jobs.lastRunAt > restartedAt, 15_000, 'the workers to run a job after the restart');
    const resumeMs = jobs.lastRunAt - restartedAt;
    await sleep(2_000);
    stopping = true;
    await Promise.all(lanes);

    // Presence right after the restart-and-load phase: an acked job must exist in some state.
    const states = await statesOf(driver, acked);
    const missing = acked.filter((_, index) => states[index] === undefined);
    const surviving = acked.filter((_, index) => states[index] !== undefined);
    await drained(driver, stallMs);
    const finalStates = (await statesOf(driver, surviving)).map((state) => state ?? 'missing');
    const unfinished: Record<string, number> = {};
    for (const state of finalStates) if (state !== 'completed') unfinished[state] = (unfinished[state] ?? 0) + 1;
    return {
      acked: acked.length,
      missing,
      missingNeverRun: missing.filter((id) => !jobs.runs.has(id)).length,
      refused,
      resumeMs,
      enqueueBackMs: firstAckAfterRestart - restartedAt,
      completed: finalStates.filter((state) => state === 'completed').length,
      duplicates: [...jobs.runs.values()].filter((count) => count > 1).length,
      unfinished,
      refusals: [...refusals],
      slowestEnqueueMs,
    };
  } finally {
    await app?.close();
    await server.stop();
  }
}

/**
 * Waits until the queue holds no waiting, delayed or active job. Reads only
 * the counts: re-reading every job's state on each turn took the CPU the
 * workers needed. Gives up once no job has completed for `stallMs`: a bound on
 * a stall, not on speed, since a busy machine works through the backlog slowly.
 */
async function drained(driver: RedisDriver, stallMs: number): Promise<void> {
  let completed = -1;
  let progressAt = Date.now();
  for (;;) {
    const counts = await driver.counts('default');
    if (counts.waiting + counts.delayed + counts.active === 0) return;
    if (counts.completed > completed) [completed, progressAt] = [counts.completed, Date.now()];
    else if (Date.now() - progressAt > stallMs) return;
    await sleep(200);
  }
}

/** Ids whose records one audit burst reads: 2 commands each, far below what the command timeout allows. */
const AUDIT_BATCH = 1_000;

/**
 * Each job's state (undefined when Redis does not know it), read in bursts of
 * AUDIT_BATCH. All at once, a fast run's ~40 000 acked ids were 80 000 commands
 * queued on the driver's one connection: the last replies came after its 2 s
 * command timeout ("Command timed out"), sooner still on a busy machine.
 */
async function statesOf(driver: RedisDriver, ids: string[]): Promise<Array<JobState | undefined>> {
  const states: Array<JobState | undefined> = [];
  for (let start = 0; start < ids.length; start += AUDIT_BATCH) {
    const batch = ids.slice(start, start + AUDIT_BATCH);
    states.push(...await Promise.all(batch.map(async (id) => (await driver.getJob('default', id))?.state)));
  }
  return states;
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** One line for stdout and the summary note. */
export function describeCrash(appendfsync: string, outcome: CrashOutcome): string {
  return `appendfsync ${appendfsync}: acked ${outcome.acked}, missing after restart ${outcome.missing.length} `
    + `(never run ${outcome.missingNeverRun}), refused during outage ${outcome.refused}, completed ${outcome.completed}, `
    + `duplicates ${outcome.duplicates}, slowest enqueue ${outcome.slowestEnqueueMs} ms, enqueue back ${outcome.enqueueBackMs} ms after restart, workers resumed ${outcome.resumeMs} ms after restart`
    + (Object.keys(outcome.unfinished).length ? `, unfinished ${JSON.stringify(outcome.unfinished)}` : '')
    + `; producer errors: ${JSON.stringify(outcome.refusals)}`;
}
