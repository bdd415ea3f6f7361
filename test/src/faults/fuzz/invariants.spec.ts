import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryDriver } from '@nest-jobs/core';
import { PostgresDriver } from '@nest-jobs/postgres';
import { startPostgresServer, type PostgresServerHandle } from '@nest-jobs/postgres/testing';
import { RedisDriver } from '@nest-jobs/redis';
import { uniquePrefix, useRedisServer } from '../support/redis.js';
import { recordFault } from '../support/results.js';
import { RealClock, VirtualClock } from './context.js';
import { FUZZ_STEPS, type FuzzTarget, fuzzSeeds, runSeed, type SeedResult } from './runner.js';

const server = useRedisServer();
let postgres: PostgresServerHandle | undefined;
beforeAll(async () => {
  postgres = await startPostgresServer();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
}, 60_000);
let schemas = 0;
/** Soaks (FUZZ_SEEDS, FUZZ_STEPS) outgrow the suite's 120 s; Redis steps take up to ~40 ms with real sleeps. */
const TIMEOUT_MS = Math.max(120_000, fuzzSeeds().length * FUZZ_STEPS * 40);

async function fuzz(label: 'memory' | 'redis' | 'postgres', createTarget: () => Promise<FuzzTarget>): Promise<void> {
  const started = Date.now();
  const results: SeedResult[] = [];
  for (const seed of fuzzSeeds()) results.push(await runSeed(label, seed, FUZZ_STEPS, createTarget));
  const violations = results.filter((result) => result.violation !== undefined);
  const jobs = results.reduce((sum, result) => sum + result.jobs, 0);
  const steps = results.reduce((sum, result) => sum + result.steps, 0);
  const stale = results.reduce((sum, result) => sum + result.stats.staleRejected, 0);
  const expired = results.reduce((sum, result) => sum + result.stats.leasesExpired, 0);
  const resolved = results.reduce((sum, result) => sum + result.stats.timingResolved, 0);
  const cancelled = results.reduce((sum, result) => sum + result.stats.cancelled, 0);
  const cancelledActive = results.reduce((sum, result) => sum + result.stats.cancelledActive, 0);
  recordFault({ fault: `invariant fuzzing (${label})`, runs: results.length, jobs, lost: violations.length, duplicates: 0, note: `${steps} steps` });
  process.stdout.write(`invariant fuzzing (${label}): seeds ${seedList(results)}, ${steps} steps, ${jobs} jobs, `
    + `${expired} leases expired, ${stale} stale tokens refused, ${cancelled} cancelled (${cancelledActive} while leased), ${resolved} timing-dependent outcomes read back, ${violations.length} violations, ${Date.now() - started} ms\n`);
  for (const result of violations) process.stderr.write(`${result.violation}\n`);
  expect(violations.map((result) => result.violation)).toEqual([]);
  // Without these the fuzz would pass while never reaching fencing or lease recovery.
  if (FUZZ_STEPS >= 200) {
    expect(expired).toBeGreaterThan(0);
    expect(stale).toBeGreaterThan(0);
    expect(cancelledActive).toBeGreaterThan(0);
  }
}

describe('invariant fuzzing: random interleavings keep every job in exactly one state', () => {
  it('MemoryDriver on a virtual clock matches the model step for step', async () => {
    await fuzz('memory', async () => {
      const clock = new VirtualClock();
      const driver = new MemoryDriver({ now: () => clock.now() });
      await driver.open();
      return { driver, clock, dispose: () => driver.close() };
    });
  }, TIMEOUT_MS);

  it('RedisDriver on a harness redis-server matches the model, allowing for real time', async () => {
    await fuzz('redis', async () => {
      const driver = new RedisDriver({ url: server().url, prefix: uniquePrefix('fuzz') });
      await driver.open();
      return { driver, clock: new RealClock(), dispose: () => driver.close() };
    });
  }, TIMEOUT_MS);

  it('PostgresDriver on a harness PostgreSQL matches the model, allowing for real time', async () => {
    await fuzz('postgres', async () => {
      const driver = new PostgresDriver({ url: postgres!.url, schema: `fuzz_${++schemas}`, poolSize: 3 });
      await driver.open();
      return { driver, clock: new RealClock(), dispose: () => driver.close() };
    });
  }, TIMEOUT_MS);
});

function seedList(results: SeedResult[]): string {
  const seeds = results.map((result) => result.seed);
  return seeds.length > 6 ? `${seeds[0]}..${seeds.at(-1)} (${seeds.length})` : seeds.join(',');
}
