import { parseArgs } from 'node:util';

/** What one `npm run bench` measures, from flags, then env, then defaults. */
export interface BenchConfig {
  /** Jobs per run of the enqueue, processing and memory scenarios. */
  n: number;
  /** Measured runs per scenario and library (a warm-up comes on top). */
  runs: number;
  quick: boolean;
  /** Enqueues awaiting a reply at once in the one-at-a-time scenario. */
  inFlight: number;
  /** Jobs per bulk call. */
  bulkSize: number;
  latencyRate: number;
  latencySeconds: number;
  /** Waiting jobs before the worker starts in the backlog scenarios. */
  backlogSizes: number[];
  /** Jobs processed (and timed) in each backlog run. */
  backlogSample: number;
  /** Library names to run; default all. */
  libraries: string[] | undefined;
  /** Scenario ids to run; default all. */
  scenarios: string[] | undefined;
  resultsDir: string;
  /** Suites to run: `redis` (nest-jobs, BullMQ, bee-queue), `postgres` (nest-jobs, pg-boss, graphile-worker, memory ceiling). */
  suites: Array<'redis' | 'postgres'>;
  /** Processing runs stop here and report the rate so far (a library that cannot finish N in time). */
  processCapMs: number;
  /** What the PostgreSQL suite runs with instead. */
  postgres: Pick<BenchConfig, 'n' | 'latencyRate' | 'latencySeconds' | 'processCapMs'>;
}

const USAGE = `npm run bench -- [--quick] [--n 20000] [--runs 3] [--backlog 10000,200000] [--backlog-sample 10000]
                  [--latency-seconds 10] [--only nest-jobs,bullmq,bee-queue] [--scenarios enqueue-single,process-c50,...]
                  [--suite redis,postgres] [--pg-n 5000]
env: BENCH_N, BENCH_RUNS, BENCH_BACKLOG, BENCH_PG_N`;

export function readConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      n: { type: 'string' },
      runs: { type: 'string' },
      backlog: { type: 'string' },
      'backlog-sample': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'latency-rate': { type: 'string' },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      'results-dir': { type: 'string' },
      suite: { type: 'string' },
      'pg-n': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const n = positiveInt('--n', values.n ?? env.BENCH_N, quick ? 2_000 : 20_000);
  const backlogSizes = list(values.backlog ?? env.BENCH_BACKLOG)?.map((size) => positiveInt('--backlog', size, 0)) ?? (quick ? [2_000, 20_000] : [10_000, 200_000]);
  return {
    n,
    runs: positiveInt('--runs', values.runs ?? env.BENCH_RUNS, quick ? 1 : 3),
    quick,
    inFlight: 50,
    bulkSize: 1_000,
    latencyRate: positiveInt('--latency-rate', values['latency-rate'], 1_000),
    latencySeconds: positiveInt('--latency-seconds', values['latency-seconds'], quick ? 2 : 10),
    backlogSizes,
    backlogSample: positiveInt('--backlog-sample', values['backlog-sample'], Math.min(10_000, ...backlogSizes)),
    libraries: list(values.only),
    scenarios: list(values.scenarios),
    resultsDir: values['results-dir'] ?? new URL('../results/', import.meta.url).pathname,
    suites: suites(values.suite),
    processCapMs: Infinity,
    postgres: {
      n: positiveInt('--pg-n', values['pg-n'] ?? env.BENCH_PG_N, quick ? 1_000 : 5_000),
      latencyRate: 200,
      latencySeconds: quick ? 2 : 5,
      processCapMs: quick ? 5_000 : 20_000,
    },
  };
}

function positiveInt(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be an integer ≥ 1 (got ${JSON.stringify(raw)}).\n${USAGE}`);
  return value;
}

function suites(raw: string | undefined): BenchConfig['suites'] {
  const names = list(raw) ?? ['redis', 'postgres'];
  for (const name of names) if (name !== 'redis' && name !== 'postgres') throw new Error(`--suite takes redis and/or postgres (got ${JSON.stringify(name)}).\n${USAGE}`);
  return names as BenchConfig['suites'];
}

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((item) => item.trim()).filter(Boolean);
}
