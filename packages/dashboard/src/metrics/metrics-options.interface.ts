import type { CanActivate, Type } from '@nestjs/common';
import type { Registry } from 'prom-client';

export interface JobsMetricsOptions {
  /** Where Prometheus scrapes, e.g. `/metrics`. */
  path: string;
  /** Registry to put the metrics in; default a new one served at `path` alone. */
  registry?: Registry;
  /** Metric name prefix; default `nest_jobs_`. */
  prefix?: string;
  /** Duration histogram buckets, in seconds. */
  durationBuckets?: number[];
  /** Guard for the metrics route (scrapers usually sit on a private network). */
  guard?: CanActivate | Type<CanActivate>;
}

export const METRICS_OPTIONS = Symbol('nest-jobs:metrics-options');
