import type { Concurrency } from '../peers/peer.js';
import { fill, waitForCompleted } from './fill.js';
import { JobTracker } from './job-tracker.js';
import type { Scenario } from './scenario.js';

/**
 * N jobs pre-filled, then one worker at `concurrency` from start until the
 * store records the last one completed. Every job must run exactly once.
 */
export function processing(concurrency: Concurrency): Scenario {
  const id = `process-c${concurrency}`;
  return {
    id,
    title: `Processing, concurrency ${concurrency}`,
    metrics: [{ id, label: `process pre-filled queue, concurrency ${concurrency}`, unit: 'jobs/s', better: 'higher' }],
    async run(peer, { config, redis, control }) {
      const queue = await peer.openQueue(redis, concurrency);
      try {
        await fill(queue, config.n, config.bulkSize);
        const tracker = new JobTracker(config.n);
        const worker = await queue.prepareWorker(tracker.listener);
        await control.resetStats();
        let finished: number;
        const started = performance.now();
        try {
          await worker.start();
          await tracker.waitForStarts(config.n);
          finished = await waitForCompleted(queue, config.n);
        } finally {
          await worker.stop();
        }
        tracker.assertExactlyOnce();
        return { [id]: (config.n / (finished - started)) * 1_000 };
      } finally {
        await queue.close();
      }
    },
  };
}
