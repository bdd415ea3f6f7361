import type { BenchConfig } from './config.js';
import type { Peer } from './peers/peer.js';
import type { CommandProfile } from './report/results.js';
import { enqueueSingle } from './scenarios/enqueue-single.scenario.js';
import { processing } from './scenarios/processing.scenario.js';
import type { Scenario, ScenarioContext } from './scenarios/scenario.js';

/**
 * Raw figures: metric → library → runs, plus errors and Redis command profiles
 * (processing scenarios reset the stats after their fill, so those count the processing only).
 */
export interface RawResults {
  values: Map<string, Map<string, number[]>>;
  errors: Map<string, Map<string, string[]>>;
  commandStats: Record<string, Record<string, CommandProfile>>;
  /** Node CPU µs per job in the timed part of the last run: scenario → library → µs. */
  nodeCpu: Record<string, Record<string, number>>;
}

const WARM_UP_JOBS = 2_000;

/**
 * Runs every scenario `runs` times; within a round the libraries go one after
 * another (starting with a different one each round, so drift in the shared
 * machine's load spreads over all of them), each on a flushed database.
 */
export async function runAll(peers: Peer[], scenarios: Scenario[], context: ScenarioContext, log: (line: string) => void): Promise<RawResults> {
  const raw: RawResults = { values: new Map(), errors: new Map(), commandStats: {}, nodeCpu: {} };
  await warmUp(peers, context, log);
  for (const scenario of scenarios) {
    for (let round = 0; round < context.config.runs; round++) {
      for (let k = 0; k < peers.length; k++) {
        const peer = peers[(round + k) % peers.length]!;
        if (peer.skips?.includes(scenario.id)) continue;
        await context.control.flush();
        await context.control.resetStats();
        try {
          const measurement = await scenario.run(peer, context);
          (raw.nodeCpu[scenario.id] ??= {})[peer.name] = Math.round((context.control.nodeCpuUs() / jobsIn(scenario, context.config)) * 10) / 10;
          for (const [metric, value] of Object.entries(measurement)) push(raw.values, metric, peer.name, value);
          raw.commandStats[scenario.id] ??= {};
          raw.commandStats[scenario.id]![peer.name] = await profile(context, scenario);
          log(`  ${scenario.id} #${round + 1} ${peer.name.padEnd(9)} ${Object.entries(measurement).map(([metric, value]) => `${metric}=${value.toFixed(2)}`).join(' ')}`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          for (const metric of scenario.metrics) push(raw.errors, metric.id, peer.name, message);
          log(`  ${scenario.id} #${round + 1} ${peer.name.padEnd(9)} FAILED: ${message}`);
        }
      }
    }
  }
  await context.control.flush();
  return raw;
}

/** One small enqueue and processing run per library, not recorded (JIT, script loading, connections). */
async function warmUp(peers: Peer[], context: ScenarioContext, log: (line: string) => void): Promise<void> {
  const config: BenchConfig = { ...context.config, n: Math.min(WARM_UP_JOBS, context.config.n) };
  for (const peer of peers) {
    for (const scenario of [enqueueSingle, processing(50)]) {
      await context.control.flush();
      try {
        await scenario.run(peer, { ...context, config });
      } catch (error) {
        log(`  warm-up ${scenario.id} ${peer.name} FAILED: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    log(`  warmed up ${peer.name}`);
  }
}

async function profile(context: ScenarioContext, scenario: Scenario): Promise<CommandProfile> {
  const jobs = jobsIn(scenario, context.config);
  const result: CommandProfile = {};
  for (const [command, stats] of Object.entries(await context.control.commandStats())) {
    if (command === 'flushdb' || command === 'config' || command === 'info') continue;
    result[command] = { callsPerJob: round(stats.calls / jobs), usecPerJob: round(stats.usec / jobs) };
  }
  return result;
}

function jobsIn(scenario: Scenario, config: BenchConfig): number {
  if (scenario.id === 'latency') return config.latencyRate * config.latencySeconds;
  if (scenario.id.startsWith('backlog-')) return Math.min(config.backlogSample, Number(scenario.id.slice('backlog-'.length)));
  return config.n;
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

function push(map: Map<string, Map<string, string[]>> | Map<string, Map<string, number[]>>, metric: string, library: string, value: string | number): void {
  const byLibrary = (map as Map<string, Map<string, Array<string | number>>>).get(metric) ?? new Map<string, Array<string | number>>();
  (map as Map<string, Map<string, Array<string | number>>>).set(metric, byLibrary);
  byLibrary.set(library, [...(byLibrary.get(library) ?? []), value]);
}
