import { benchPayload } from '../peers/peer.js';
import { fill } from './fill.js';
import type { Scenario } from './scenario.js';

/** `INFO memory` used_memory growth per waiting job after a bulk fill of N. */
export const memory: Scenario = {
  id: 'memory',
  title: 'Redis memory per waiting job',
  metrics: [{ id: 'memory', label: 'Redis memory per waiting job', unit: 'bytes', better: 'lower' }],
  async run(peer, { config, redis, control }) {
    const queue = await peer.openQueue(redis, 50);
    try {
      // One job first so per-queue bookkeeping keys exist before the baseline.
      await queue.enqueue(benchPayload(config.n));
      const before = await control.usedMemory();
      await fill(queue, config.n, config.bulkSize);
      const after = await control.usedMemory();
      return { memory: (after - before) / config.n };
    } finally {
      await queue.close();
    }
  },
};
