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

/** The limit that holds a lane back: a RateLimitedError hold, or one of its name's or group's limits. */
export type FlowLimitKind = 'hold' | 'rate' | 'concurrency' | 'group-concurrency' | 'group-rate';

/** Which limit keeps the lane of `name` (and `group`) from starting a job now, if any. */
export function heldBy(flow: FlowInfo, name: string, group: string | undefined, now: number): FlowLimitKind | undefined {
  const limits = flow.limits[name] ?? {};
  const nameRow = flow.names.find((row) => row.name === name);
  const groupRow = group === undefined ? undefined : flow.groups.find((row) => row.name === name && row.group === group);
  const held = group === undefined ? nameRow?.heldUntil : groupRow?.heldUntil;
  if (held && held.getTime() > now) return 'hold';
  if (limits.rate && (nameRow?.startsInWindow ?? 0) >= limits.rate.max) return 'rate';
  if (limits.concurrency !== undefined && (nameRow?.running ?? 0) >= limits.concurrency) return 'concurrency';
  if (groupRow && limits.groupConcurrency !== undefined && groupRow.running >= limits.groupConcurrency) return 'group-concurrency';
  if (groupRow && limits.groupRate && (groupRow.startsInWindow ?? 0) >= limits.groupRate.max) return 'group-rate';
  return undefined;
}

/**
 * Why a waiting limited job has not started, from its name's and group's usage: the first limit
 * that holds it back, or its turn. Undefined for a job no limit applies to.
 */
export function waitingReason(job: JobRecord, flow: FlowInfo, now: number): string | undefined {
  if (job.state !== 'waiting' || !(job.limited || job.group !== undefined)) return undefined;
  const limits = flow.limits[job.name] ?? {};
  const group = `group "${job.group}"`;
  switch (heldBy(flow, job.name, job.group, now)) {
    case 'hold': {
      const rows = job.group === undefined ? flow.names : flow.groups;
      const until = rows.find((row) => row.name === job.name && row.group === job.group)!.heldUntil!;
      return `rate limited (RateLimitedError) until ${until.toISOString()}`;
    }
    case 'rate':
      return `"${job.name}" at its rate limit of ${limits.rate!.max} per ${limits.rate!.perMs} ms`;
    case 'concurrency':
      return `"${job.name}" at its global concurrency ${limits.concurrency!}`;
    case 'group-concurrency':
      return `${group} at its concurrency ${limits.groupConcurrency!}`;
    case 'group-rate':
      return `${group} at its rate limit of ${limits.groupRate!.max} per ${limits.groupRate!.perMs} ms`;
    default:
      return 'waiting for its turn (limits have room)';
  }
}
