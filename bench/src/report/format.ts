import type { LibraryResult, MetricResult } from './results.js';

export const DISPLAY_NAMES: Record<string, string> = {
  'nest-jobs': 'nest-jobs', bullmq: 'BullMQ', 'bee-queue': 'bee-queue', 'pg-boss': 'pg-boss', 'graphile-worker': 'graphile-worker', memory: 'memory driver (ceiling)',
};

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** `median (min–max) unit`, or the run errors. */
export function formatCell(result: LibraryResult | undefined, unit: string): string {
  if (!result || result.runs.length === 0) return result?.errors.length ? `failed: ${result.errors[0]}` : '–';
  const spread = result.runs.length > 1 ? ` (${formatValue(result.min, unit)}–${formatValue(result.max, unit)})` : '';
  return `${formatValue(result.median, unit)}${spread}`;
}

export function formatRatio(metric: MetricResult): string {
  return metric.ratio === undefined ? '–' : `${metric.ratio.toFixed(2)}×`;
}

export function formatTarget(metric: MetricResult): string {
  return metric.target ? `${metric.target.met ? 'met' : 'MISSED'}: ${metric.target.goal}` : '';
}

export function libraryNames(metrics: MetricResult[]): string[] {
  return [...new Set(metrics.flatMap((metric) => Object.keys(metric.libraries)))];
}
