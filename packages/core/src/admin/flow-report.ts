import type { FlowLimits, FlowStatus } from '../driver/driver-items.js';
import type { JobRecord } from '../driver/job-record.js';

/** Usage of one limited job name, or of one group of it. */
export interface FlowUsage {
  name: string;
  /** Set for a group's row. */
  group?: string;
  /** Waiting in its lane (group rows and name rows of jobs without a group). */
  waiting?: number;
  running: number;
  /** Starts in the current window of the rate limit that applies. */
  startsInWindow?: number;
  /** Held by a RateLimitedError until then. */
  heldUntil?: Date;
}

/** A queue's flow control as operators see it: limits per job name, usage, and the busiest groups. */
export interface FlowInfo {
  queue: string;
  limits: Record<string, FlowLimits>;
  names: FlowUsage[];
  groups: FlowUsage[];
}

export function toFlowInfo(queue: string, status: FlowStatus): FlowInfo {
  const date = (ms: number | undefined): { heldUntil?: Date } => (ms === undefined ? {} : { heldUntil: new Date(ms) });
  return {
    queue,
    limits: status.limits,
    names: status.names.map(({ heldUntil, ...row }) => ({ ...row, ...date(heldUntil) })),
    groups: status.lanes.map(({ heldUntil, ...row }) => ({ ...row, ...date(heldUntil) })),
  };
}

/**
 * Why a waiting limited job has not started, from its name's and group's usage: the first limit
 * that holds it back, or its turn. Undefined for a job no limit applies to.
 */
export function waitingReason(job: JobRecord, flow: FlowInfo, now: number): string | undefined {
  if (job.state !== 'waiting' || !(job.limited || job.group !== undefined)) return undefined;
  const limits = flow.limits[job.name] ?? {};
  const nameRow = flow.names.find((row) => row.name === job.name);
  const groupRow = job.group === undefined ? undefined : flow.groups.find((row) => row.name === job.name && row.group === job.group);
  const group = job.group === undefined ? undefined : `group "${job.group}"`;
  const held = job.group === undefined ? nameRow?.heldUntil : groupRow?.heldUntil;
  if (held && held.getTime() > now) return `rate limited (RateLimitedError) until ${held.toISOString()}`;
  if (limits.rate && (nameRow?.startsInWindow ?? 0) >= limits.rate.max) {
    return `"${job.name}" at its rate limit of ${limits.rate.max} per ${limits.rate.perMs} ms`;
  }
  if (limits.concurrency !== undefined && (nameRow?.running ?? 0) >= limits.concurrency) {
    return `"${job.name}" at its global concurrency ${limits.concurrency}`;
  }
  if (group && limits.groupConcurrency !== undefined && groupRow && groupRow.running >= limits.groupConcurrency) {
    return `${group} at its concurrency ${limits.groupConcurrency}`;
  }
  if (group && limits.groupRate && groupRow && (groupRow.startsInWindow ?? 0) >= limits.groupRate.max) {
    return `${group} at its rate limit of ${limits.groupRate.max} per ${limits.groupRate.perMs} ms`;
  }
  return 'waiting for its turn (limits have room)';
}
