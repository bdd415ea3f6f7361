import type { JobEvent } from '@nest-jobs/core';
import { bufferTime, filter, interval, map, merge, type Observable } from 'rxjs';

/** What the browser gets per batch: enough to decide whether its page needs a refresh. */
export interface EventBatch {
  count: number;
  types: string[];
  queues: string[];
  /** At most `MAX_IDS` job ids; `truncated` when there were more. */
  ids: string[];
  truncated: boolean;
}

export interface SseMessage {
  type: string;
  data: EventBatch | Record<string, never>;
}

export const BATCH_MS = 500;
export const MAX_IDS = 50;
const HEARTBEAT_MS = 20_000;

/**
 * Job events folded into one small message per half second (nothing when
 * idle) plus a heartbeat: bounded work per client however busy the queues are.
 */
export function eventBatches(events$: Observable<JobEvent>, batchMs = BATCH_MS): Observable<SseMessage> {
  const batches = events$.pipe(
    bufferTime(batchMs),
    filter((events) => events.length > 0),
    map((events): SseMessage => ({ type: 'jobs', data: summarize(events) })),
  );
  const heartbeat = interval(HEARTBEAT_MS).pipe(map((): SseMessage => ({ type: 'ping', data: {} })));
  return merge(batches, heartbeat);
}

export function summarize(events: JobEvent[]): EventBatch {
  const ids = new Set<string>();
  for (const event of events) {
    if (ids.size > MAX_IDS) break;
    ids.add(event.id);
  }
  return {
    count: events.length,
    types: [...new Set(events.map((event) => event.type))],
    queues: [...new Set(events.map((event) => event.queue))].slice(0, MAX_IDS),
    ids: [...ids].slice(0, MAX_IDS),
    truncated: ids.size > MAX_IDS,
  };
}
