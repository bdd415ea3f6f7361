import { benchPayload } from '../peers/peer.js';
import type { Scenario } from './scenario.js';

/** N enqueues, one job per call, `inFlight` calls awaiting a reply at once. */
export const enqueueSingle: Scenario = {
  id: 'enqueue-single',
  title: 'Enqueue one at a time (50 in flight)',
  metrics: [{ id: 'enqueue-single', label: 'enqueue, 1 per call, 50 in flight', unit: 'jobs/s', better: 'higher' }],
  async run(peer, { config, target }) {
    const queue = await peer.openQueue(target, 50);
    try {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < config.n) await queue.enqueue(benchPayload(next++));
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: config.inFlight }, lane));
      const elapsed = performance.now() - started;
      return { 'enqueue-single': (config.n / elapsed) * 1_000 };
    } finally {
      await queue.close();
    }
  },
};
