import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JobEvents, JobsAdmin, type JobEvent } from '@nest-jobs/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { METRICS_OPTIONS, type JobsMetricsOptions } from './metrics-options.interface.js';
import { collectQueueGauges } from './queue-gauges.js';
import { collectFlowGauges } from './flow-gauges.js';

const DEFAULT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Jobs whose start is remembered for the duration histogram; the oldest are forgotten first. */
const MAX_TRACKED_STARTS = 10_000;
const TICK_ID = /^cron:(.+):(\d+)$/;

/**
 * Prometheus metrics from `JobEvents` (counters, durations, scheduler lag) and
 * from `JobsAdmin` at scrape time (depth and oldest waiting age per queue).
 * Events come from every process on the driver, so one instance's counters
 * cover the whole cluster: scrape one instance, or aggregate with max().
 */
@Injectable()
export class JobsMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry: Registry;
  private readonly completed: Counter<'queue' | 'name'>;
  private readonly failed: Counter<'queue' | 'name'>;
  private readonly retried: Counter<'queue' | 'name'>;
  private readonly dead: Counter<'queue' | 'name'>;
  private readonly expired: Counter<'queue' | 'name'>;
  private readonly rateLimited: Counter<'queue' | 'name'>;
  private readonly duration: Histogram<'queue' | 'name'>;
  private readonly schedulerLag: Gauge<'schedule'>;
  private readonly starts = new Map<string, number>();
  private subscription?: Subscription;

  constructor(
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(JobsAdmin) admin: JobsAdmin,
    @Inject(METRICS_OPTIONS) options: JobsMetricsOptions,
  ) {
    this.registry = options.registry ?? new Registry();
    const prefix = options.prefix ?? 'nest_jobs_';
    const registers = [this.registry];
    const counter = (name: string, help: string) => new Counter({ name: `${prefix}${name}`, help, labelNames: ['queue', 'name'] as const, registers });
    this.completed = counter('jobs_completed_total', 'Jobs completed.');
    this.failed = counter('jobs_failed_total', 'Failed tries (each try that threw or timed out).');
    this.retried = counter('jobs_retried_total', 'Tries scheduled again after a failure.');
    this.dead = counter('jobs_dead_total', 'Jobs moved to dead after their last try.');
    this.expired = counter('jobs_expired_total', 'Jobs dropped unrun: still waiting expireAfter past their run time.');
    this.rateLimited = counter('jobs_rate_limited_total', 'Tries that ended in RateLimitedError (the job or its group held; the try not counted).');
    this.duration = new Histogram({
      name: `${prefix}job_duration_seconds`,
      help: 'Time from a try starting (active) to the job completing.',
      labelNames: ['queue', 'name'] as const,
      buckets: options.durationBuckets ?? DEFAULT_BUCKETS,
      registers,
    });
    this.schedulerLag = new Gauge({
      name: `${prefix}scheduler_lag_seconds`,
      help: "Delay between a schedule's tick instant and its job starting, last seen.",
      labelNames: ['schedule'] as const,
      registers,
    });
    collectQueueGauges(admin, prefix, registers);
    collectFlowGauges(admin, prefix, registers);
  }

  onModuleInit(): void {
    this.subscription = this.events.events$.subscribe((event) => this.record(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  record(event: JobEvent): void {
    const labels = { queue: event.queue, name: event.name };
    switch (event.type) {
      case 'active':
        this.rememberStart(event);
        this.observeLag(event);
        break;
      case 'completed': {
        this.completed.inc(labels);
        const startedAt = this.starts.get(event.id);
        this.starts.delete(event.id);
        if (startedAt !== undefined) this.duration.observe(labels, Math.max(0, event.at.getTime() - startedAt) / 1000);
        break;
      }
      case 'failed':
        this.failed.inc(labels);
        this.starts.delete(event.id);
        break;
      case 'retrying':
        this.retried.inc(labels);
        break;
      case 'dead':
        this.dead.inc(labels);
        this.starts.delete(event.id);
        break;
      case 'expired':
        this.expired.inc(labels);
        break;
      case 'rate-limited':
        this.rateLimited.inc(labels);
        this.starts.delete(event.id);
        break;
      default:
        break;
    }
  }

  private rememberStart(event: JobEvent): void {
    this.starts.delete(event.id);
    this.starts.set(event.id, event.at.getTime());
    if (this.starts.size > MAX_TRACKED_STARTS) this.starts.delete(this.starts.keys().next().value!);
  }

  private observeLag(event: JobEvent): void {
    const tick = TICK_ID.exec(event.id);
    if (tick) this.schedulerLag.set({ schedule: tick[1]! }, Math.max(0, event.at.getTime() - Number(tick[2])) / 1000);
  }
}
