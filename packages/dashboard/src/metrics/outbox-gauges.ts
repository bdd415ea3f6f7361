import type { JobsAdmin } from '@nest-jobs/core';
import { Gauge, type Registry } from 'prom-client';

/**
 * The module's outbox relay lag (`JobsModule.forRoot({ outbox })`), read when
 * Prometheus scrapes: jobs committed and not yet relayed, the age of the
 * oldest, and jobs the driver refused. Without an outbox all stay 0.
 */
export function collectOutboxGauges(admin: JobsAdmin, prefix: string, registers: Registry[]): void {
  let pending: { at: number; lag: ReturnType<JobsAdmin['outboxLag']> } | undefined;
  const lag = (): ReturnType<JobsAdmin['outboxLag']> => {
    if (!pending || Date.now() - pending.at > 500) pending = { at: Date.now(), lag: admin.outboxLag() };
    return pending.lag;
  };
  new Gauge({
    name: `${prefix}outbox_pending_jobs`,
    help: 'Jobs committed to the outbox and not yet relayed to the driver.',
    registers,
    async collect() {
      const current = await lag();
      this.reset();
      if (current) this.set(current.pending);
    },
  });
  new Gauge({
    name: `${prefix}outbox_oldest_age_seconds`,
    help: 'How long the oldest job not yet relayed has been committed (0 when none).',
    registers,
    async collect() {
      const current = await lag();
      this.reset();
      if (current) this.set(current.oldestMs / 1000);
    },
  });
  new Gauge({
    name: `${prefix}outbox_rejected_jobs`,
    help: 'Committed jobs the driver refused for good (a dependency that does not exist), kept aside by the outbox.',
    registers,
    async collect() {
      const current = await lag();
      this.reset();
      if (current) this.set(current.rejected ?? 0);
    },
  });
}
