import { benchPayload } from '../peers/peer.js';
import { fill } from './fill.js';
import type { Scenario } from './scenario.js';

/** The store's growth per waiting job after a bulk fill of N (Redis used_memory; PostgreSQL table and index bytes). */
export const memory = (label: string): Scenario => ({
  id: 'memory',
  title: label,
  metrics: [{ id: 'memory', label, unit: 'bytes', better: 'lower' }],
  async run(peer, { config, target, control }) {
    const queue = await peer.openQueue(target, 50);
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
});
