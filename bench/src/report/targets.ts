import { NEST_JOBS } from '../peers/names.js';
import type { MetricResult, TargetCheck } from './results.js';

type Target = (metric: MetricResult, all: MetricResult[]) => TargetCheck | undefined;

const atLeast = (factor: number): Target => (metric) =>
  metric.ratio === undefined ? undefined : { goal: `≥ ${factor.toFixed(1)}× best peer`, met: metric.ratio >= factor };

/** Issue 5's targets, by metric id. */
const TARGETS: Record<string, Target> = {
  'enqueue-single': atLeast(1.5),
  'enqueue-bulk': atLeast(2),
  'process-c1': atLeast(1.3),
  'process-c50': atLeast(2),
  'latency-p99': (metric) => {
    const ours = metric.libraries[NEST_JOBS]?.median;
    if (ours === undefined || metric.ratio === undefined) return undefined;
    return { goal: '≤ 5 ms and ≤ best peer', met: ours <= 5 && metric.ratio <= 1 };
  },
  memory: (metric) => {
    const ours = metric.libraries[NEST_JOBS]?.median;
    const bull = metric.libraries.bullmq?.median;
    if (ours === undefined || bull === undefined) return undefined;
    return { goal: '≤ BullMQ', met: ours <= bull };
  },
};

/** The largest backlog must process within 10% of the smallest backlog's rate. */
function backlogTarget(metric: MetricResult, all: MetricResult[]): TargetCheck | undefined {
  const backlogs = all.filter((other) => other.scenario.startsWith('backlog-'));
  if (backlogs.length < 2 || metric !== backlogs[backlogs.length - 1]) return undefined;
  const smallest = backlogs[0]!.libraries[NEST_JOBS]?.median;
  const ours = metric.libraries[NEST_JOBS]?.median;
  if (smallest === undefined || ours === undefined) return undefined;
  return { goal: `≥ 90% of ${backlogs[0]!.label.replace('process with ', '')} rate (${((ours / smallest) * 100).toFixed(0)}%)`, met: ours >= 0.9 * smallest };
}

export function checkTarget(metric: MetricResult, all: MetricResult[]): TargetCheck | undefined {
  return (TARGETS[metric.id] ?? backlogTarget)(metric, all);
}
