import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JobEvents, type JobEvent } from '@nest-jobs/core';
import type { Subscription } from 'rxjs';
import type { ChartSeries } from '../render/chart.js';

export const BUCKET_MS = 10_000;
/** The chart window is capped at one hour: 360 buckets. */
export const MAX_BUCKETS = 360;

/** Completed and failed tries per 10 s bucket over the last hour, counted from `JobEvents`. */
@Injectable()
export class ThroughputTracker implements OnModuleInit, OnModuleDestroy {
  private readonly completed = new Map<number, number>();
  private readonly failed = new Map<number, number>();
  private subscription?: Subscription;

  constructor(@Inject(JobEvents) private readonly events: JobEvents) {}

  onModuleInit(): void {
    this.subscription = this.events.events$.subscribe((event) => this.record(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  record(event: Pick<JobEvent, 'type' | 'at'>, now = Date.now()): void {
    const target = event.type === 'completed' ? this.completed : event.type === 'failed' ? this.failed : undefined;
    if (!target) return;
    const bucket = bucketOf(Math.min(event.at.getTime(), now));
    if (bucket <= bucketOf(now) - MAX_BUCKETS * BUCKET_MS) return;
    const count = target.get(bucket);
    if (count === undefined) this.prune(now);
    target.set(bucket, (count ?? 0) + 1);
  }

  /** The last `minutes` (capped at 60), oldest bucket first, the current one last. */
  series(minutes: number, now = Date.now()): ChartSeries {
    const count = Math.min(MAX_BUCKETS, Math.max(2, Math.round((minutes * 60_000) / BUCKET_MS)));
    const last = bucketOf(now);
    const starts = Array.from({ length: count }, (_, index) => last - (count - 1 - index) * BUCKET_MS);
    return {
      starts,
      completed: starts.map((start) => this.completed.get(start) ?? 0),
      failed: starts.map((start) => this.failed.get(start) ?? 0),
      bucketMs: BUCKET_MS,
    };
  }

  private prune(now: number): void {
    const oldest = bucketOf(now) - (MAX_BUCKETS - 1) * BUCKET_MS;
    for (const map of [this.completed, this.failed]) {
      for (const bucket of map.keys()) if (bucket < oldest) map.delete(bucket);
    }
  }
}

function bucketOf(ms: number): number {
  return ms - (ms % BUCKET_MS);
}
