import { cpus, platform, release, totalmem } from 'node:os';
import type { BenchConfig } from '../config.js';
import { NEST_JOBS } from '../peers/names.js';
import type { Peer } from '../peers/peer.js';
import type { RawResults } from '../runner.js';
import type { Scenario } from '../scenarios/scenario.js';
import { summarize } from '../stats.js';
import type { BenchResults, MetricResult } from './results.js';
import { checkTarget } from './targets.js';

/** Which server a suite ran on; issue 5's targets apply to the Redis suite only. */
export interface SuiteInfo {
  suite: 'redis' | 'postgres';
  /** e.g. "redis-server 7.0.15", "PostgreSQL 15.14". */
  server: string;
}

/** Summaries, ratios against the best peer (ceilings left out), and target checks, with the machine and versions named. */
export function buildResults(raw: RawResults, peers: Peer[], scenarios: Scenario[], config: BenchConfig, suite: SuiteInfo): BenchResults {
  const ceilings = new Set(peers.filter((peer) => peer.ceiling).map((peer) => peer.name));
  const metrics: MetricResult[] = scenarios.flatMap((scenario) =>
    scenario.metrics.map((spec) => {
      const libraries: MetricResult['libraries'] = {};
      for (const peer of peers) {
        const runs = raw.values.get(spec.id)?.get(peer.name) ?? [];
        libraries[peer.name] = { ...summarize(runs), errors: raw.errors.get(spec.id)?.get(peer.name) ?? [] };
      }
      return { ...spec, scenario: scenario.id, libraries, ...compare(spec.better, libraries, ceilings) };
    }),
  );
  if (suite.suite === 'redis') for (const metric of metrics) metric.target = checkTarget(metric, metrics);
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    machine: { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}` },
    node: process.version,
    suite: suite.suite,
    server: suite.server,
    libraries: Object.fromEntries(peers.map((peer) => [peer.name, peer.version])),
    config: {
      n: config.n,
      runs: config.runs,
      quick: config.quick,
      bulkSize: config.bulkSize,
      inFlight: config.inFlight,
      latencyRate: config.latencyRate,
      latencySeconds: config.latencySeconds,
      backlogSizes: config.backlogSizes,
      backlogSample: config.backlogSample,
    },
    metrics,
    commandStats: raw.commandStats,
    nodeCpu: raw.nodeCpu,
  };
}

function compare(better: 'higher' | 'lower', libraries: MetricResult['libraries'], ceilings: Set<string>): Pick<MetricResult, 'bestPeer' | 'ratio'> {
  const ours = libraries[NEST_JOBS]?.median;
  const peers = Object.entries(libraries).filter(([name, result]) => name !== NEST_JOBS && !ceilings.has(name) && Number.isFinite(result.median));
  if (ours === undefined || !Number.isFinite(ours) || peers.length === 0) return {};
  const [bestPeer, best] = peers.reduce((a, b) => ((better === 'higher' ? b[1].median > a[1].median : b[1].median < a[1].median) ? b : a));
  return { bestPeer, ratio: ours / best.median };
}
