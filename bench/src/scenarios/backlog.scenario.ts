import { fill } from './fill.js';
import { JobTracker } from './job-tracker.js';
import type { Scenario } from './scenario.js';

/**
 * `size` jobs waiting, then a worker at concurrency 50: the rate over the first
 * `backlogSample` jobs shows whether a deep queue slows fetching down.
 */
export function backlog(size: number): Scenario {
  const id = `backlog-${size}`;
  return {
    id,
    title: `Backlog scaling, ${size.toLocaleString('en-US')} waiting`,
    metrics: [{ id, label: `process with ${size.toLocaleString('en-US')} waiting, concurrency 50`, unit: 'jobs/s', better: 'higher' }],
    async run(peer, { config, target, control }) {
      const sample = Math.min(config.backlogSample, size);
      const queue = await peer.openQueue(target, 50);
      try {
        await fill(queue, size, config.bulkSize);
        const tracker = new JobTracker(size);
        const worker = await queue.prepareWorker(tracker.listener);
        await control.resetStats();
        let finished: number;
        const started = performance.now();
        try {
          await worker.start();
          finished = await tracker.waitForStarts(sample);
        } finally {
          await worker.stop();
        }
        tracker.assertExactlyOnce(0);
        return { [id]: (sample / (finished - started)) * 1_000 };
      } finally {
        await queue.close();
      }
    },
  };
}
