import { DISPLAY_NAMES, formatCell, formatRatio, formatTarget, libraryNames } from './format.js';
import type { BenchResults } from './results.js';

/** The README's benchmark table, generated from latest.json. */
export function renderMarkdown(results: BenchResults): string {
  const names = libraryNames(results.metrics);
  const versions = names.map((name) => `${DISPLAY_NAMES[name] ?? name} ${results.libraries[name] ?? ''}`.trim()).join(', ');
  const { machine, config } = results;
  const lines = [
    `Measured ${results.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.os}), Node ${results.node}, redis-server ${results.redis}; ${versions}.`,
    `N = ${config.n.toLocaleString('en-US')} jobs per run, ${config.runs} run(s) per scenario; median with min–max in brackets. Ratio: nest-jobs median ÷ the best peer's (for ms and bytes, lower is better).`,
    '',
    `| Scenario | Unit | ${names.map((name) => DISPLAY_NAMES[name] ?? name).join(' | ')} | nest-jobs ÷ best peer | Target |`,
    `| --- | --- | ${names.map(() => '---:').join(' | ')} | ---: | --- |`,
    ...results.metrics.map(
      (metric) =>
        `| ${metric.label} | ${metric.unit} | ${names.map((name) => formatCell(metric.libraries[name], metric.unit)).join(' | ')} | ${formatRatio(metric)} | ${formatTarget(metric)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
