import { DISPLAY_NAMES, formatValue, libraryNames } from './format.js';
import type { BenchResults, MetricResult } from './results.js';

const COLORS: Record<string, string> = { 'nest-jobs': '#e0234e', bullmq: '#2f6fbf', 'bee-queue': '#e0a800' };
const WIDTH = 920;
const LABEL_WIDTH = 300;
const BAR_HEIGHT = 14;
const GROUP_GAP = 14;
const CHART_WIDTH = WIDTH - LABEL_WIDTH - 110;

/** How each library compares with the best one per metric, as "higher is better" factors (best = 1). */
function relative(metric: MetricResult, name: string): number | undefined {
  const medians = Object.values(metric.libraries).map((result) => result.median).filter(Number.isFinite);
  const ours = metric.libraries[name]?.median;
  if (ours === undefined || !Number.isFinite(ours) || medians.length === 0) return undefined;
  return metric.better === 'higher' ? ours / Math.max(...medians) : Math.min(...medians) / ours;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A hand-written horizontal bar chart: per metric, each library's median relative to the best (longer is better). */
export function renderSvg(results: BenchResults): string {
  const names = libraryNames(results.metrics);
  const metrics = results.metrics.filter((metric) => metric.id !== 'latency-max');
  const groupHeight = names.length * BAR_HEIGHT + GROUP_GAP;
  const top = 56;
  const height = top + metrics.length * groupHeight + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="bold">${escape(names.map((name) => `${DISPLAY_NAMES[name] ?? name} ${name === 'nest-jobs' ? '' : results.libraries[name] ?? ''}`.trim()).join(' vs '))}: each bar relative to the best (longer is better)</text>`,
    `<text x="12" y="38" fill="#555">N = ${results.config.n.toLocaleString('en-US')}, median of ${results.config.runs} run(s); ${escape(results.machine.cpu)}, ${results.machine.cores} cores; ${escape(results.server)}; ${results.date.slice(0, 10)}</text>`,
  ];
  names.forEach((name, index) => {
    const x = LABEL_WIDTH + index * 110;
    parts.push(`<rect x="${x}" y="${height - 20}" width="10" height="10" fill="${COLORS[name] ?? '#888'}"/>`);
    parts.push(`<text x="${x + 14}" y="${height - 11}">${escape(DISPLAY_NAMES[name] ?? name)}</text>`);
  });
  metrics.forEach((metric, group) => {
    const y0 = top + group * groupHeight;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y0 + (names.length * BAR_HEIGHT) / 2 + 4}" text-anchor="end">${escape(metric.label)}</text>`);
    names.forEach((name, index) => {
      const factor = relative(metric, name);
      const y = y0 + index * BAR_HEIGHT;
      if (factor === undefined) return;
      const width = Math.max(1, factor * CHART_WIDTH);
      const value = `${formatValue(metric.libraries[name]!.median, metric.unit)} ${metric.unit}`;
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${COLORS[name] ?? '#888'}"/>`);
      parts.push(`<text x="${LABEL_WIDTH + width + 4}" y="${y + BAR_HEIGHT - 4}" font-size="10" fill="#333">${escape(value)}</text>`);
    });
  });
  parts.push(`<line x1="${LABEL_WIDTH}" y1="${top - 4}" x2="${LABEL_WIDTH}" y2="${top + metrics.length * groupHeight - GROUP_GAP}" stroke="#333"/>`);
  parts.push('</svg>', '');
  return parts.join('\n');
}
