import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { JobEvents, JobsAdmin, type QueueInfo } from '@nest-jobs/core';
import type { Subscription } from 'rxjs';

export interface JobsHealthOptions {
  /** More dead jobs than this in one queue is unhealthy. Default 100. */
  maxDead?: number;
  /** A job ready this long (ms) while no job started anywhere means no worker runs. Default 60 000. */
  stalledAfterMs?: number;
  /** The driver must answer within this many ms. Default 3 000. */
  timeoutMs?: number;
}

interface QueueProblems {
  deadOverThreshold: Record<string, number>;
  stalledQueues: string[];
}

/**
 * Terminus health indicator for nest-jobs: the driver answers, workers are
 * running (a ready job does not wait while nothing starts), and no queue
 * holds more dead jobs than `maxDead`.
 */
@Injectable()
export class JobsHealthIndicator implements OnModuleInit, OnModuleDestroy {
  private lastStartAt = Date.now();
  private subscription?: Subscription;

  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(JobsAdmin) private readonly admin: JobsAdmin,
    @Inject(JobEvents) private readonly events: JobEvents,
  ) {}

  onModuleInit(): void {
    this.lastStartAt = Date.now();
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'active') this.lastStartAt = Date.now();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async isHealthy<const Key extends string = 'jobs'>(key: Key = 'jobs' as Key, options: JobsHealthOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const session = this.health.check(key);
    let queues: QueueInfo[];
    try {
      queues = await withTimeout(this.admin.queues(), options.timeoutMs ?? 3_000);
    } catch (error) {
      return session.down({ driver: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    }
    const problems = await this.problems(queues, options);
    const data = {
      driver: 'up',
      queues: queues.length,
      dead: Object.fromEntries(queues.map((queue) => [queue.name, queue.counts.dead])),
      lastJobStartedAt: new Date(this.lastStartAt).toISOString(),
      ...problems,
    };
    const messages = [
      ...Object.entries(problems.deadOverThreshold).map(([queue, count]) => `queue ${queue} has ${count} dead jobs (max ${options.maxDead ?? 100})`),
      ...problems.stalledQueues.map((queue) => `queue ${queue} has ready jobs but no job started for ${(options.stalledAfterMs ?? 60_000) / 1000} s: are workers running?`),
    ];
    return messages.length ? session.down({ ...data, message: messages.join('; ') }) : session.up(data);
  }

  private async problems(queues: QueueInfo[], options: JobsHealthOptions): Promise<QueueProblems> {
    const maxDead = options.maxDead ?? 100;
    const stalledAfterMs = options.stalledAfterMs ?? 60_000;
    const now = Date.now();
    const deadOverThreshold = Object.fromEntries(queues.filter((queue) => queue.counts.dead > maxDead).map((queue) => [queue.name, queue.counts.dead]));
    const stalledQueues: string[] = [];
    if (now - this.lastStartAt > stalledAfterMs) {
      for (const queue of queues.filter((candidate) => !candidate.paused && candidate.counts.waiting > 0)) {
        const [next] = await this.admin.list(queue.name, 'waiting', { offset: 0, limit: 1 });
        if (next && now - next.runAt.getTime() > stalledAfterMs) stalledQueues.push(queue.name);
      }
    }
    return { deadOverThreshold, stalledQueues };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue driver did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
