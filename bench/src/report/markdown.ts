import { DISPLAY_NAMES, formatCell, formatRatio, formatTarget, libraryNames } from './format.js';
import type { BenchResults } from './results.js';

/** The README's benchmark table, generated from latest.json. */
export function renderMarkdown(results: BenchResults): string {
  const names = libraryNames(results.metrics);
  const versions = names.map((name) => `${DISPLAY_NAMES[name] ?? name} ${results.libraries[name] ?? ''}`.trim()).join(', ');
  const { machine, config } = results;
  const lines = [
    `Measured ${results.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.os}), Node ${results.node}, ${results.server}; ${versions}.`,
    `N = ${config.n.toLocaleString('en-US')} jobs per run, ${config.runs} run(s) per scenario; median with min–max in brackets. Ratio: nest-jobs median ÷ the best peer's (for ms and bytes, lower is better).`,
    '',
    `| Scenario | Unit | ${names.map((name) => DISPLAY_NAMES[name] ?? name).join(' | ')} | nest-jobs ÷ best peer | Target |`,
    `| --- | --- | ${names.map(() => '---:').join(' | ')} | ---: | --- |`,
    ...results.metrics.map(
      (metric) =>
        `| ${metric.label} | ${metric.unit} | ${names.map((name) => formatCell(metric.libraries[name], metric.unit)).join(' | ')} | ${formatRatio(metric)} | ${formatTarget(metric)} |`,
    ),
    '',
    ...costTable(results, names),
  ];
  return lines.join('\n');
}

/** Where each job's time goes in the last run of each scenario: server µs (all commands or statements) and Node CPU µs. */
function costTable(results: BenchResults, names: string[]): string[] {
  const scenarios = Object.keys(results.nodeCpu ?? {});
  if (scenarios.length === 0) return [];
  const redisUs = (scenario: string, name: string): string => {
    const profile = results.commandStats[scenario]?.[name];
    return profile ? Object.values(profile).reduce((sum, command) => sum + command.usecPerJob, 0).toFixed(1) : '–';
  };
  const nodeUs = (scenario: string, name: string): string => results.nodeCpu?.[scenario]?.[name]?.toFixed(1) ?? '–';
  const server = results.suite === 'postgres'
    ? 'PostgreSQL µs (`pg_stat_statements` execution time, every statement)'
    : 'Redis µs (`INFO commandstats`, every command and script)';
  return [
    `Cost per job in the last run of each scenario: ${server} / Node CPU µs (\`process.cpuUsage\`, producer, worker and client in the bench process).`,
    '',
    `| Scenario | ${names.map((name) => DISPLAY_NAMES[name] ?? name).join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...scenarios.filter((scenario) => scenario !== 'memory').map((scenario) => `| ${scenario} | ${names.map((name) => `${redisUs(scenario, name)} / ${nodeUs(scenario, name)}`).join(' | ')} |`),
    '',
  ];
}
