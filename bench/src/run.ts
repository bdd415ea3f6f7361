import { readConfig, type BenchConfig } from './config.js';
import { allPeers } from './peers/index.js';
import type { Peer } from './peers/peer.js';
import { PostgresControl } from './postgres/postgres-control.js';
import { postgresPeers } from './postgres/postgres-peers.js';
import { startPostgresServer } from './postgres/postgres-server.js';
import { buildResults, type SuiteInfo } from './report/build-results.js';
import { renderTable } from './report/table.js';
import { writeResults } from './report/write-results.js';
import { startRedisServer } from './redis/redis-server.js';
import { RedisControl } from './redis/redis-control.js';
import { runAll } from './runner.js';
import { allScenarios, postgresScenarios } from './scenarios/index.js';
import type { Scenario } from './scenarios/scenario.js';
import type { StoreControl } from './store-control.js';

const log = (line: string): void => console.log(line);

/** One suite: its libraries against one server it started, results written as `<base>.{json,md,svg}`. */
async function runSuite(config: BenchConfig, suite: SuiteInfo['suite'], peers: Peer[], scenarios: Scenario[], server: { url: string; port: number }, control: StoreControl, base: string): Promise<void> {
  const chosen = peers.filter((peer) => !config.libraries || config.libraries.includes(peer.name));
  const selected = scenarios.filter((scenario) => !config.scenarios || config.scenarios.includes(scenario.id));
  if (chosen.length === 0 || selected.length === 0) return;
  const serverName = `${suite === 'redis' ? 'redis-server' : 'PostgreSQL'} ${await control.version()}`;
  log(`${serverName} on ${server.url}; N=${config.n}, ${config.runs} run(s); ${chosen.map((peer) => `${peer.name} ${peer.version}`).join(', ')}`);
  const raw = await runAll(chosen, selected, { config, target: { url: server.url, host: '127.0.0.1', port: server.port }, control }, log);
  const results = buildResults(raw, chosen, selected, config, { suite, server: serverName });
  log(`\n${renderTable(results)}\n`);
  for (const file of await writeResults(results, config.resultsDir, base)) log(`wrote ${file}`);
}

async function redisSuite(config: BenchConfig): Promise<void> {
  const server = await startRedisServer();
  const control = await RedisControl.connect(server.url);
  try {
    await runSuite(config, 'redis', allPeers(), allScenarios(config), server, control, config.quick ? 'quick' : 'latest');
  } finally {
    await control.close();
    await server.stop();
  }
}

async function postgresSuite(config: BenchConfig): Promise<void> {
  const server = await startPostgresServer();
  const control = await PostgresControl.connect(server.url);
  // Smaller runs: pg-boss' polling caps its rate near 100 jobs/s, and a full 20,000-job fill per library takes minutes.
  const pgConfig: BenchConfig = { ...config, ...config.postgres };
  try {
    await runSuite(pgConfig, 'postgres', postgresPeers(), postgresScenarios(config), { url: control.url, port: server.port }, control, config.quick ? 'quick-postgres' : 'postgres');
  } finally {
    await control.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.suites.includes('redis')) await redisSuite(config);
  if (config.suites.includes('postgres')) await postgresSuite(config);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
