import { beforeAll, describe, expect, it } from '@jest/globals';
import type { PostgresDriver } from './postgres.driver.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

// Fetch stays O(log n) however many jobs wait: every read of the hot path walks a
// partial index from its start (no sort, no scan). FETCH_PLAN_ROWS=1000000 for the
// figure the README quotes; the plans asserted are the same at any size.
const ROWS = Number(process.env.FETCH_PLAN_ROWS ?? 100_000);
const postgres = useSpecPostgres();
let driver: PostgresDriver;

interface PlanNode { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] }

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

async function plan(sql: string, values: unknown[]): Promise<PlanNode[]> {
  const { rows } = await postgres.pool().query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
  return nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
}

const indexes = (plan: PlanNode[]): string[] => plan.flatMap((node) => (node['Index Name'] ? [node['Index Name']] : []));
const types = (plan: PlanNode[]): string[] => plan.map((node) => node['Node Type']);

beforeAll(async () => {
  driver = await postgres.openDriver();
  await driver.registerQueues(['big', 'other']);
  const started = Date.now();
  // Straight into the table: enqueueing a million jobs through the driver would measure enqueue, not fetch.
  await postgres.pool().query(`
    INSERT INTO nest_jobs.jobs (queue, id, name, payload, priority, max_attempts, run_at, enqueued_at, state, ready_at, seq, attempt, lease_until, finished_at)
    SELECT CASE WHEN n % 10 = 0 THEN 'other' ELSE 'big' END, 'job-' || n, 'Big.job', '{}', n % 7 - 3, 3, s.now + 3600000, s.now,
      (ARRAY['waiting', 'waiting', 'waiting', 'delayed', 'active', 'completed', 'dead'])[n % 7 + 1], s.now, nextval('nest_jobs.job_seq'), 1,
      CASE WHEN n % 7 = 4 THEN s.now + 600000 END, CASE WHEN n % 7 >= 5 THEN s.now END
    FROM generate_series(1, $1::integer) AS n, (SELECT nest_jobs.now_ms() AS now) s`, [ROWS]);
  await postgres.pool().query('ANALYZE nest_jobs.jobs');
  process.stdout.write(`[pg-fetch-plan] ${ROWS} jobs inserted in ${Date.now() - started} ms\n`);
}, 300_000);

describe(`PostgresDriver fetch on ${ROWS} jobs`, () => {
  it('picks waiting jobs from the head of the waiting index: no sort, no scan of the table', async () => {
    const picked = await plan(`SELECT id, name, expire_at FROM nest_jobs.jobs WHERE queue = $1 AND state = 'waiting' AND lane IS NULL
      ORDER BY priority DESC, ready_at, seq LIMIT 50 FOR UPDATE SKIP LOCKED`, ['big']);
    expect(indexes(picked)).toEqual(['jobs_waiting']);
    expect(types(picked)).not.toContain('Sort');
    expect(types(picked)).not.toContain('Seq Scan');
  });

  it('picks a lane\'s next job from the head of the lane index, and counts running lane jobs on theirs', async () => {
    const head = await plan(`SELECT id, expire_at FROM nest_jobs.jobs WHERE queue = $1 AND state = 'waiting' AND lane = $2
      ORDER BY priority DESC, ready_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED`, ['big', '["Big.job"]']);
    expect(indexes(head)).toEqual(['jobs_lane_waiting']);
    expect(types(head)).not.toContain('Sort');
    const running = await plan(`SELECT count(*) FROM nest_jobs.jobs WHERE queue = $1 AND state = 'active' AND lane IS NOT NULL AND name = $2`, ['big', 'Big.job']);
    expect(indexes(running)).toEqual(['jobs_lane_active']);
    expect(types(running)).not.toContain('Seq Scan');
  });

  it('finds due delayed jobs, expired leases and the next due time on their own indexes', async () => {
    const due = await plan(`SELECT id FROM nest_jobs.jobs WHERE queue = $1 AND state = 'delayed' AND run_at <= $2
      ORDER BY run_at, seq LIMIT 1000 FOR UPDATE SKIP LOCKED`, ['big', Date.now()]);
    expect(indexes(due)).toEqual(['jobs_delayed']);
    const expired = await plan(`SELECT * FROM nest_jobs.jobs WHERE queue = $1 AND state = 'active' AND lease_until <= $2
      ORDER BY lease_until LIMIT 1000 FOR UPDATE SKIP LOCKED`, ['big', Date.now()]);
    expect(indexes(expired)).toEqual(['jobs_active']);
    for (const found of [due, expired]) expect(types(found)).not.toContain('Sort');
  });

  it('fetches and completes in batches at this size (the time per round is printed, not asserted)', async () => {
    const round = async (): Promise<{ fetchMs: number; completeMs: number; leased: number }> => {
      const started = performance.now();
      const leased = await driver.fetch('big', { max: 50, leaseMs: 60_000 });
      const fetched = performance.now();
      await driver.complete('big', leased.map((job) => ({ id: job.id, token: job.token, result: 'null' })));
      return { fetchMs: fetched - started, completeMs: performance.now() - fetched, leased: leased.length };
    };
    for (let warmUp = 0; warmUp < 5; warmUp++) await round();
    const rounds: Array<{ fetchMs: number; completeMs: number; leased: number }> = [];
    for (let measured = 0; measured < 20; measured++) rounds.push(await round());
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    process.stdout.write(`[pg-fetch-plan] ${ROWS} jobs: median fetch of 50 ${median(rounds.map((r) => r.fetchMs)).toFixed(1)} ms, complete of 50 ${median(rounds.map((r) => r.completeMs)).toFixed(1)} ms (20 rounds after 5 warm-up)\n`);
    expect(rounds.reduce((sum, r) => sum + r.leased, 0)).toBe(20 * 50);
  });
});
