import type { QueueDriver } from '@nest-jobs/core';
import { checkInvariants } from './check.js';
import type { FuzzClock, FuzzContext, FuzzStats } from './context.js';
import { EventCounter } from './events.js';
import { Model } from './model.js';
import { Prng } from './prng.js';
import { runStep, stepWeights } from './steps.js';

export interface FuzzTarget {
  driver: QueueDriver;
  clock: FuzzClock;
  /** Stops what the target started (driver, connections). */
  dispose(): Promise<void>;
}

export interface SeedResult {
  seed: number;
  steps: number;
  jobs: number;
  stats: FuzzStats;
  /** The first invariant the driver broke, with the seed and the steps up to it; undefined when none. */
  violation?: string;
}

/** Steps printed with a violation: the tail is what matters, and a replay with the seed gives the rest. */
const STEPS_SHOWN = 80;

export const FUZZ_STEPS = positive(process.env.FUZZ_STEPS, 300);

/** FUZZ_SEED replays one seed; FUZZ_SEEDS=n runs seeds 1..n; default a fixed few. */
export function fuzzSeeds(): number[] {
  if (process.env.FUZZ_SEED) return [positive(process.env.FUZZ_SEED, 1)];
  return Array.from({ length: positive(process.env.FUZZ_SEEDS, 3) }, (_, index) => index + 1);
}

/** Runs `steps` random steps against a fresh target, checking every invariant after each one. */
export async function runSeed(label: string, seed: number, steps: number, createTarget: () => Promise<FuzzTarget>): Promise<SeedResult> {
  const target = await createTarget();
  const model = new Model();
  const stats: FuzzStats = { staleRejected: 0, leasesExpired: 0, deaths: 0, revived: 0, timingResolved: 0, cancelled: 0, cancelledActive: 0 };
  const ctx: FuzzContext = { driver: target.driver, queue: 'fuzz', model, rng: new Prng(seed), clock: target.clock, stats, touched: new Set(), nextId: 0 };
  const log: string[] = [];
  const events = new EventCounter(target.driver, ctx.queue);
  try {
    await target.driver.registerQueues([ctx.queue]);
    for (let step = 0; step < steps; step++) {
      const kind = ctx.rng.weighted(stepWeights(ctx));
      log.push(`${step}: ${kind}`);
      log[step] = `${step}: ${await runStep(ctx, kind)}`;
      await checkInvariants(ctx);
    }
    log.push(`${steps}: (end) every state change's event, exactly once`);
    await events.expect(model.events, 5_000);
    return { seed, steps, jobs: model.created, stats };
  } catch (error) {
    const shown = log.slice(-STEPS_SHOWN);
    const violation = [
      `invariant fuzzing (${label}) seed ${seed} failed at step ${log.length - 1}: ${error instanceof Error ? error.message : String(error)}`,
      `replay: FUZZ_SEED=${seed} FUZZ_STEPS=${log.length}${label === 'memory' ? '' : ` (${label} timing may differ on replay)`}`,
      `steps${shown.length < log.length ? ` (last ${shown.length} of ${log.length})` : ''}:`,
      ...shown.map((line) => `  ${line}`),
    ].join('\n');
    return { seed, steps: log.length, jobs: model.created, stats, violation };
  } finally {
    events.close();
    await target.dispose();
  }
}

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
