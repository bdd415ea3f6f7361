import type { JobsAdmin, OutboxLag } from '@nest-jobs/core';
import { Gauge, type Registry } from 'prom-client';

/**
 * The module's outbox relay lag (`JobsModule.forRoot({ outbox })`), read when
 * Prometheus scrapes: jobs committed and not yet relayed, the age of the
 * oldest, and jobs the driver refused. Without an outbox all stay 0.
 */
export function collectOutboxGauges(admin: JobsAdmin, prefix: string, registers: Registry[]): void {
  let pending: { at: number; lag: ReturnType<JobsAdmin['outboxLag']> } | undefined;
  // One read serves the three gauges of a scrape.
  const lag = (): ReturnType<JobsAdmin['outboxLag']> => {
    if (!pending || Date.now() - pending.at > 500) pending = { at: Date.now(), lag: admin.outboxLag() };
    return pending.lag;
  };
  const gauge = (name: string, help: string, value: (current: OutboxLag) => number): void => {
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      async collect() {
        const current = await lag();
        this.reset();
        if (current) this.set(value(current));
      },
    });
  };
  gauge('outbox_pending_jobs', 'Jobs committed to the outbox and not yet relayed to the driver.', (current) => current.pending);
  gauge('outbox_oldest_age_seconds', 'How long the oldest job not yet relayed has been committed (0 when none).', (current) => current.oldestMs / 1000);
  gauge('outbox_rejected_jobs', 'Committed jobs the driver refused for good (a dependency that does not exist), kept aside by the outbox.',
    (current) => current.rejected ?? 0);
}
