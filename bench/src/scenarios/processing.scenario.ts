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
    async run(peer, { config, target, control }) {
      const queue = await peer.openQueue(target, concurrency);
      try {
        await fill(queue, config.n, config.bulkSize);
        const tracker = new JobTracker(config.n);
        const worker = await queue.prepareWorker(tracker.listener);
        await control.resetStats();
        let finished: number;
        let done = config.n;
        const started = performance.now();
        try {
          await worker.start();
          const capped = await withinCap(tracker.waitForStarts(config.n), config.processCapMs);
          if (capped) {
            // Too slow to finish N in the cap: the rate of what started (no job may have run twice).
            finished = performance.now();
            done = tracker.started;
          } else {
            finished = await waitForCompleted(queue, config.n);
          }
        } finally {
          await worker.stop();
        }
        if (done === config.n) tracker.assertExactlyOnce();
        else tracker.assertExactlyOnce(0);
        return { [id]: (done / (finished - started)) * 1_000 };
      } finally {
        await queue.close();
      }
    },
  };
}

/** True when `cap` ms passed before `work` resolved (its later rejection is then ignored). */
async function withinCap(work: Promise<unknown>, cap: number): Promise<boolean> {
  if (!Number.isFinite(cap)) return work.then(() => false);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), cap)));
  work.catch(() => undefined);
  try {
    return await Promise.race([work.then(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
