import { html, type SafeHtml } from './html.js';

export interface ChartSeries {
  /** Bucket start times, epoch ms, oldest first. */
  starts: number[];
  completed: number[];
  failed: number[];
  bucketMs: number;
}

const WIDTH = 720;
const HEIGHT = 160;
const PAD = 24;

/** Throughput as an inline SVG: completed and failed tries per bucket. */
export function throughputChart(series: ChartSeries): SafeHtml {
  const peak = Math.max(1, ...series.completed, ...series.failed);
  const count = series.starts.length;
  const x = (index: number): number => PAD + (index * (WIDTH - 2 * PAD)) / Math.max(1, count - 1);
  const y = (value: number): number => HEIGHT - PAD - (value * (HEIGHT - 2 * PAD)) / peak;
  const line = (values: number[]): string => values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  const minutes = Math.round((count * series.bucketMs) / 60_000);
  const perSecond = (values: number[]): string => ((values.at(-1) ?? 0) / (series.bucketMs / 1000)).toFixed(1);
  return html`<figure class="chart">
  <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Jobs per ${series.bucketMs / 1000} s over the last ${minutes} minutes">
    <line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" class="axis"></line>
    <text x="${PAD}" y="${PAD - 8}" class="label">${peak} per ${series.bucketMs / 1000} s</text>
    <text x="${WIDTH - PAD}" y="${HEIGHT - 6}" class="label" text-anchor="end">now</text>
    <text x="${PAD}" y="${HEIGHT - 6}" class="label">−${minutes} min</text>
    <polyline points="${line(series.completed)}" class="completed"></polyline>
    <polyline points="${line(series.failed)}" class="failed"></polyline>
  </svg>
  <figcaption><span class="key completed">completed</span> ${perSecond(series.completed)}/s
    <span class="key failed">failed</span> ${perSecond(series.failed)}/s (last ${series.bucketMs / 1000} s)</figcaption>
</figure>`;
}
