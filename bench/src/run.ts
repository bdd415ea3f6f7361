import { readConfig } from './config.js';
import { allPeers } from './peers/index.js';
import { buildResults } from './report/build-results.js';
import { renderTable } from './report/table.js';
import { writeResults } from './report/write-results.js';
import { startRedisServer } from './redis/redis-server.js';
import { RedisControl } from './redis/redis-control.js';
import { runAll } from './runner.js';
import { allScenarios } from './scenarios/index.js';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  const config = readConfig();
  const peers = allPeers().filter((peer) => !config.libraries || config.libraries.includes(peer.name));
  const scenarios = allScenarios(config).filter((scenario) => !config.scenarios || config.scenarios.includes(scenario.id));
  const server = await startRedisServer();
  const control = await RedisControl.connect(server.url);
  try {
    const redisVersion = await control.version();
    log(`redis-server ${redisVersion} on ${server.url}; N=${config.n}, ${config.runs} run(s); ${peers.map((peer) => `${peer.name} ${peer.version}`).join(', ')}`);
    const raw = await runAll(peers, scenarios, { config, redis: { url: server.url, host: '127.0.0.1', port: server.port }, control }, log);
    const results = buildResults(raw, peers, scenarios, config, redisVersion);
    log(`\n${renderTable(results)}\n`);
    for (const file of await writeResults(results, config.resultsDir, config.quick ? 'quick' : 'latest')) log(`wrote ${file}`);
  } finally {
    await control.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
