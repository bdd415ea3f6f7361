import { describe, expect, it } from '@jest/globals';
import type { NewJob } from '@nest-jobs/core/driver';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

// Commits reach the OS before COMMIT returns (the harness turns that off for speed): a kill -9 loses nothing.
const postgres = useSpecPostgres({ settings: { synchronous_commit: 'on' } });

const job = (id: string): NewJob => {
  const now = Date.now();
  return { id, queue: 'restart', name: 'Restart.job', payload: '{}', priority: 0, maxAttempts: 2, runAt: now, enqueuedAt: now };
};

/** Retries `attempt` until it resolves true or the time is up (the database is coming back). */
async function eventually(attempt: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await attempt().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('PostgresDriver across a database crash (kill -9 and restart)', () => {
  it('keeps the jobs, serves queries again, and wakes idle workers and delivers events once LISTEN is back', async () => {
    const warnings: string[] = [];
    const driver = await postgres.openDriver({ logger: { warn: (message) => warnings.push(message) } });
    await driver.enqueue([job('before')]);
    await postgres.server().kill('SIGKILL');
    await expect(driver.enqueue([job('while-down')])).rejects.toThrow();
    await postgres.server().restart();

    await eventually(async () => (await driver.getJob('restart', 'before'))?.state === 'waiting', 20_000, 'queries to work again');
    const events: string[] = [];
    const unsubscribe = driver.subscribe((event) => events.push(`${event.type}:${event.id}`));
    let round = 0;
    await eventually(async () => {
      const id = `after-${++round}`;
      const started = Date.now();
      const waited = driver.waitForWork(['restart-idle'], 2_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await driver.enqueue([{ ...job(id), queue: 'restart-idle' }]);
      const named = await waited;
      return Array.isArray(named) && named.includes('restart-idle') && Date.now() - started < 1_500 && events.includes(`enqueued:${id}`);
    }, 20_000, 'a wake-up and an event through the new LISTEN connection');
    unsubscribe();
    expect(warnings.some((message) => message.includes('LISTEN connection dropped'))).toBe(true);
    expect((await driver.fetch('restart', { max: 10, leaseMs: 10_000 })).map((leased) => leased.id)).toEqual(['before']);
  }, 60_000);
});
