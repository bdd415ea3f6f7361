import type { JobsAdmin, QueueInfo } from '@nest-jobs/core';
import { Gauge, type Registry } from 'prom-client';

/** Waiting jobs read per queue and scrape to find the oldest: a bound on the scrape's cost. */
export const OLDEST_WAITING_SAMPLE = 100;

interface QueueSnapshot {
  queues: QueueInfo[];
  /** Seconds the oldest waiting job has been ready, by queue. */
  oldestWaiting: Map<string, number>;
}

/**
 * Gauges read from `JobsAdmin` when Prometheus scrapes: jobs per queue and
 * state, paused queues, and the age of the oldest waiting job among the first
 * 100 in fetch order (exact for queues without priorities). One read of the
 * queues serves all three gauges of a scrape.
 */
export function collectQueueGauges(admin: JobsAdmin, prefix: string, registers: Registry[]): void {
  let pending: { at: number; snapshot: Promise<QueueSnapshot> } | undefined;
  const snapshot = (): Promise<QueueSnapshot> => {
    if (!pending || Date.now() - pending.at > 500) pending = { at: Date.now(), snapshot: readSnapshot(admin) };
    return pending.snapshot;
  };
  new Gauge({
    name: `${prefix}queue_jobs`,
    help: 'Jobs in the queue by state (queue depth).',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const { queues } = await snapshot();
      this.reset();
      for (const queue of queues) for (const [state, count] of Object.entries(queue.counts) as Array<[string, number]>) this.set({ queue: queue.name, state }, count);
    },
  });
  new Gauge({
    name: `${prefix}queue_paused`,
    help: '1 when the queue is paused.',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      const { queues } = await snapshot();
      this.reset();
      for (const queue of queues) this.set({ queue: queue.name }, queue.paused ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}queue_oldest_waiting_age_seconds`,
    help: 'How long the oldest waiting job has been ready to run (0 when none waits).',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      const { oldestWaiting } = await snapshot();
      this.reset();
      for (const [queue, seconds] of oldestWaiting) this.set({ queue }, seconds);
    },
  });
}

async function readSnapshot(admin: JobsAdmin): Promise<QueueSnapshot> {
  const queues = await admin.queues();
  const now = Date.now();
  const oldestWaiting = new Map<string, number>();
  for (const queue of queues) {
    const waiting = queue.counts.waiting ? await admin.list(queue.name, 'waiting', { offset: 0, limit: OLDEST_WAITING_SAMPLE }) : [];
    oldestWaiting.set(queue.name, (now - Math.min(now, ...waiting.map((job) => job.runAt.getTime()))) / 1000);
  }
  return { queues, oldestWaiting };
}
