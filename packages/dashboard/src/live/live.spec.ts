import { describe, expect, it } from '@jest/globals';
import type { JobEvent } from '@nest-jobs/core';
import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { MAX_IDS, eventBatches, summarize } from './event-batches.js';
import { BUCKET_MS, MAX_BUCKETS, ThroughputTracker } from './throughput.tracker.js';
import { JobEvents } from '@nest-jobs/core';

const event = (type: JobEvent['type'], id: string, at = new Date()): JobEvent => ({ type, id, queue: 'q', name: 'n', attempt: 1, at });

describe('live updates', () => {
  it('folds a burst of events into one bounded message', async () => {
    const events = new Subject<JobEvent>();
    const batches = firstValueFrom(eventBatches(events, 50).pipe(take(1), toArray()));
    for (let index = 0; index < 5_000; index += 1) events.next(event('completed', `job-${index}`));
    const [batch] = await batches;
    expect(batch!.type).toBe('jobs');
    expect(batch!.data).toMatchObject({ count: 5_000, types: ['completed'], queues: ['q'], truncated: true });
    expect((batch!.data as { ids: string[] }).ids).toHaveLength(MAX_IDS);
    expect(summarize([event('active', 'a'), event('completed', 'a')])).toEqual({ count: 2, types: ['active', 'completed'], queues: ['q'], ids: ['a'], truncated: false });
  });

  it('counts completed and failed tries per 10 s bucket, keeps at most an hour and caps the window', () => {
    const tracker = new ThroughputTracker({ events$: new Subject<JobEvent>() } as unknown as JobEvents);
    const now = 1_700_000_005_000;
    tracker.record(event('completed', 'a', new Date(now)), now);
    tracker.record(event('completed', 'b', new Date(now - BUCKET_MS)), now);
    tracker.record(event('failed', 'c', new Date(now)), now);
    tracker.record(event('active', 'd', new Date(now)), now);
    tracker.record(event('completed', 'old', new Date(now - 2 * 3_600_000)), now);
    const series = tracker.series(1, now);
    expect(series.starts).toHaveLength(6);
    expect(series.completed.slice(-2)).toEqual([1, 1]);
    expect(series.failed.at(-1)).toBe(1);
    expect(tracker.series(24 * 60, now).starts).toHaveLength(MAX_BUCKETS);
  });
});
