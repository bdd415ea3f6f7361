import type { FlowLimits, FlowPort, FlowStatus, LaneStatus, RateLimit } from '@nest-jobs/core/driver';
import type { DriverContext } from './driver-context.js';
import { decodeGroup } from './record-codec.js';

type Reply = [Error | null, unknown][] | null;

/**
 * Flow control's shared state on Redis (lua/includes/lanes.lua holds the layout): the limits
 * every worker's fetch reads, and what admin shows of them. Reads go in pipelines on the
 * queue's one slot.
 */
export class RedisFlow implements FlowPort {
  constructor(private readonly context: DriverContext) {}

  async setFlowLimits(queue: string, limits: Record<string, FlowLimits>): Promise<void> {
    await this.context.ready();
    const key = this.context.keys.flow(queue, 'limits');
    const entries = Object.entries(limits);
    const fields = entries.filter(([, value]) => Object.keys(value).length > 0).flatMap(([name, value]) => [name, encodeLimits(value)]);
    const cleared = entries.filter(([, value]) => Object.keys(value).length === 0).map(([name]) => name);
    if (fields.length > 0) await this.context.client.hset(key, ...fields);
    if (cleared.length > 0) await this.context.client.hdel(key, ...cleared);
  }

  async flowStatus(queue: string, laneLimit: number): Promise<FlowStatus> {
    const { client, keys } = this.context;
    await this.context.ready();
    const first = await client.multi()
      .time()
      .hgetall(keys.flow(queue, 'limits'))
      .zrange(keys.flow(queue, 'lanes'), '0', '-1')
      .hgetall(keys.flow(queue, 'holds'))
      .exec();
    const [time, rawLimits, lanes, rawHolds] = values(first) as [[string, string], Record<string, string>, string[], Record<string, string>];
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const limits = Object.fromEntries(Object.entries(rawLimits).map(([name, text]) => [name, decodeLimits(text)]));
    const names = [...new Set([...Object.keys(limits), ...lanes.map(nameOf)])].sort();
    // Per name and per lane: running, starts in the window (when a rate applies), waiting (lanes).
    const pipeline = client.multi();
    const windowOf = (key: string, rate: RateLimit | undefined): void => {
      if (rate) pipeline.zcount(keys.flow(queue, `rate:${key}`), `(${now - rate.perMs}`, '+inf');
    };
    for (const name of names) {
      pipeline.scard(keys.flow(queue, `run:${name}`));
      windowOf(name, limits[name]?.rate);
    }
    for (const lane of lanes) {
      pipeline.zcard(keys.flow(queue, `lane:${lane}`));
      if (lane.includes('|')) {
        pipeline.scard(keys.flow(queue, `run:${lane}`));
        windowOf(lane, limits[nameOf(lane)]?.groupRate);
      }
    }
    const counts = (values(await pipeline.exec()) as number[]).map(Number);
    let next = 0;
    const held = (key: string): { heldUntil?: number } => {
      const until = Number(rawHolds[key]);
      return until > now ? { heldUntil: until } : {};
    };
    const nameRows = names.map((name) => ({
      name,
      running: counts[next++]!,
      ...(limits[name]?.rate && { startsInWindow: counts[next++]! }),
      ...held(name),
    }));
    const running = new Map(nameRows.map((row) => [row.name, row.running]));
    const laneRows: LaneStatus[] = lanes.map((lane) => {
      const name = nameOf(lane);
      const waiting = counts[next++]!;
      if (!lane.includes('|')) return { name, waiting, running: running.get(name) ?? 0, ...held(lane) };
      const row: LaneStatus = { name, group: decodeGroup(lane.slice(name.length + 1)), waiting, running: counts[next++]! };
      if (limits[name]?.groupRate) row.startsInWindow = counts[next++]!;
      return { ...row, ...held(lane) };
    });
    return { limits, names: nameRows, lanes: laneRows.sort((a, b) => b.waiting - a.waiting).slice(0, laneLimit) };
  }
}

function nameOf(lane: string): string {
  const bar = lane.indexOf('|');
  return bar < 0 ? lane : lane.slice(0, bar);
}

function values(reply: Reply): unknown[] {
  return (reply ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** As lane_pick.lua reads them: rate max, rate ms, concurrency, group concurrency, group rate max, group rate ms. */
function encodeLimits(limits: FlowLimits): string {
  return [limits.rate?.max, limits.rate?.perMs, limits.concurrency, limits.groupConcurrency, limits.groupRate?.max, limits.groupRate?.perMs]
    .map((value) => (value === undefined ? '' : String(Math.round(value))))
    .join(',');
}

function decodeLimits(text: string): FlowLimits {
  const [rateMax, rateMs, concurrency, groupConcurrency, groupMax, groupMs] = text.split(',').map((part) => (part === '' ? undefined : Number(part)));
  const limits: FlowLimits = {};
  if (rateMax !== undefined && rateMs !== undefined) limits.rate = { max: rateMax, perMs: rateMs };
  if (concurrency !== undefined) limits.concurrency = concurrency;
  if (groupConcurrency !== undefined) limits.groupConcurrency = groupConcurrency;
  if (groupMax !== undefined && groupMs !== undefined) limits.groupRate = { max: groupMax, perMs: groupMs };
  return limits;
}
