import { DISPLAY_NAMES, formatCell, formatRatio, formatTarget, libraryNames } from './format.js';
import type { BenchResults } from './results.js';

/** Plain-text table for the terminal: median (min–max) per library, ratio, target. */
export function renderTable(results: BenchResults): string {
  const names = libraryNames(results.metrics);
  const header = ['scenario', 'unit', ...names.map((name) => DISPLAY_NAMES[name] ?? name), 'nest-jobs ÷ best', 'target'];
  const rows = results.metrics.map((metric) => [
    metric.label,
    metric.unit,
    ...names.map((name) => formatCell(metric.libraries[name], metric.unit)),
    formatRatio(metric),
    formatTarget(metric),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
