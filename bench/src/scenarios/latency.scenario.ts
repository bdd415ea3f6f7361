import { setTimeout as sleep } from 'node:timers/promises';
import { benchPayload } from '../peers/peer.js';
import { percentile } from '../stats.js';
import { JobTracker } from './job-tracker.js';
import type { Scenario } from './scenario.js';

/**
 * A worker at concurrency 50 waits on an empty queue; jobs are enqueued one at
 * a time at a steady `latencyRate` per second for `latencySeconds`. Latency is
 * from the enqueue call to the handler's start (same process, same clock).
 */
export const latency = (rate: number): Scenario => ({
  id: 'latency',
  title: 'Latency enqueue → handler start at a paced rate',
  metrics: (['p50', 'p99', 'max'] as const).map((stat) => ({
    id: `latency-${stat}`, label: `latency ${stat} at ${rate.toLocaleString('en-US')} jobs/s`, unit: 'ms', better: 'lower' as const,
  })),
  async run(peer, { config, target }) {
    const total = config.latencyRate * config.latencySeconds;
    const latencies = new Float64Array(total);
    const tracker = new JobTracker(total, (payload, now) => (latencies[payload.i] = now - payload.sentAt));
    const queue = await peer.openQueue(target, 50);
    try {
      const worker = await queue.prepareWorker(tracker.listener);
      try {
        await worker.start();
        await sleep(200);
        const sends: Promise<void>[] = [];
        const started = performance.now();
        let sent = 0;
        while (sent < total) {
          const due = Math.min(total, Math.floor(((performance.now() - started) * config.latencyRate) / 1_000));
          for (; sent < due; sent++) sends.push(queue.enqueue(benchPayload(sent)));
          await sleep(1);
        }
        await Promise.all(sends);
        await tracker.waitForStarts(total);
      } finally {
        await worker.stop();
      }
      tracker.assertExactlyOnce();
      const sorted = latencies.sort();
      return { 'latency-p50': percentile(sorted, 50), 'latency-p99': percentile(sorted, 99), 'latency-max': sorted[total - 1]! };
    } finally {
      await queue.close();
    }
  },
});
