import type { MetricSpec } from '../scenarios/scenario.js';
import type { Summary } from '../stats.js';

export interface LibraryResult extends Summary {
  errors: string[];
}

export interface TargetCheck {
  goal: string;
  met: boolean;
}

export interface MetricResult extends MetricSpec {
  scenario: string;
  libraries: Record<string, LibraryResult>;
  /** Best of the other libraries by median, and nest-jobs median ÷ its median. */
  bestPeer?: string;
  ratio?: number;
  target?: TargetCheck;
}

/** Server work per job during one run, for profiling: Redis command (or SQL statement kind) → calls / job, µs / job. */
export type CommandProfile = Record<string, { callsPerJob: number; usecPerJob: number }>;

export interface BenchResults {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  suite: 'redis' | 'postgres';
  /** The server the suite ran on, e.g. "redis-server 7.0.15". */
  server: string;
  libraries: Record<string, string>;
  config: { n: number; runs: number; quick: boolean; bulkSize: number; inFlight: number; latencyRate: number; latencySeconds: number; backlogSizes: number[]; backlogSample: number };
  metrics: MetricResult[];
  /** Last run of each scenario per library. */
  commandStats: Record<string, Record<string, CommandProfile>>;
  /** Node CPU µs per job (producer, worker and client, one process), last run of each scenario per library. */
  nodeCpu?: Record<string, Record<string, number>>;
}
