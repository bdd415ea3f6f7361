import { fill } from './fill.js';
import type { Scenario } from './scenario.js';

/** N jobs in bulk calls of `bulkSize` (enqueueMany / addBulk / saveAll), one call at a time. */
export const enqueueBulk: Scenario = {
  id: 'enqueue-bulk',
  title: 'Bulk enqueue (1,000 per call)',
  metrics: [{ id: 'enqueue-bulk', label: 'bulk enqueue, 1,000 per call', unit: 'jobs/s', better: 'higher' }],
  async run(peer, { config, target }) {
    const queue = await peer.openQueue(target, 50);
    try {
      const started = performance.now();
      await fill(queue, config.n, config.bulkSize);
      return { 'enqueue-bulk': (config.n / (performance.now() - started)) * 1_000 };
    } finally {
      await queue.close();
    }
  },
};
