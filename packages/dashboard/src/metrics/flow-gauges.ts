import { heldBy, type FlowInfo, type JobsAdmin } from '@nest-jobs/core';
import { Gauge, type Registry } from 'prom-client';

/** Groups read per queue and scrape: the busiest ones, a bound on the scrape's cost. */
export const FLOW_GROUPS_SAMPLE = 1_000;

/**
 * Flow-control gauges read from `JobsAdmin.flow()` when Prometheus scrapes: waiting jobs held
 * back, by the limit holding them (`hold`, `rate`, `concurrency`, `group-concurrency`,
 * `group-rate`), and running jobs of each limited job name. Queues without limited jobs cost
 * one read each.
 */
export function collectFlowGauges(admin: JobsAdmin, prefix: string, registers: Registry[]): void {
  let pending: { at: number; flows: Promise<FlowInfo[]> } | undefined;
  const flows = (): Promise<FlowInfo[]> => {
    if (!pending || Date.now() - pending.at > 500) {
      pending = { at: Date.now(), flows: admin.queues().then((queues) => Promise.all(queues.map((queue) => admin.flow(queue.name, { groups: FLOW_GROUPS_SAMPLE })))) };
    }
    return pending.flows;
  };
  new Gauge({
    name: `${prefix}flow_held_jobs`,
    help: 'Waiting jobs held back by a flow-control limit, by the limit (among the busiest 1,000 groups per queue).',
    labelNames: ['queue', 'name', 'limit'] as const,
    registers,
    async collect() {
      const now = Date.now();
      this.reset();
      for (const flow of await flows()) {
        const held = new Map<string, number>();
        for (const lane of flow.groups) {
          const limit = heldBy(flow, lane.name, lane.group, now);
          if (limit === undefined || !lane.waiting) continue;
          const key = `${lane.name}\u0000${limit}`;
          held.set(key, (held.get(key) ?? 0) + lane.waiting);
        }
        for (const [key, count] of held) {
          const [name, limit] = key.split('\u0000') as [string, string];
          this.set({ queue: flow.queue, name, limit }, count);
        }
      }
    },
  });
  new Gauge({
    name: `${prefix}flow_running_jobs`,
    help: 'Running jobs of each limited job name, all workers together (what globalConcurrency counts).',
    labelNames: ['queue', 'name'] as const,
    registers,
    async collect() {
      this.reset();
      for (const flow of await flows()) for (const row of flow.names) this.set({ queue: flow.queue, name: row.name }, row.running);
    },
  });
}
