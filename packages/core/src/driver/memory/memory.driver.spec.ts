import { describe, expect, it } from '@jest/globals';
import { describeDriverConformance } from '../../testing/index.js';
import { MemoryDriver } from './memory.driver.js';

describeDriverConformance('MemoryDriver', () => new MemoryDriver());

describe('MemoryDriver with an injected clock', () => {
  it('uses the clock for delays and leases, so tests need not sleep', async () => {
    let now = 1_000_000;
    const driver = new MemoryDriver({ now: () => now });
    await driver.enqueue([{ id: 'd', queue: 'q', name: 'n', payload: 'null', priority: 0, maxAttempts: 2, runAt: now + 5_000, enqueuedAt: now }]);
    expect(await driver.fetch('q', { max: 1, leaseMs: 1_000 })).toHaveLength(0);
    now += 5_000;
    const [leased] = await driver.fetch('q', { max: 1, leaseMs: 1_000 });
    expect(leased?.leaseUntil).toBe(now + 1_000);
    now += 1_001;
    expect((await driver.fetch('q', { max: 1, leaseMs: 1_000 }))[0]?.attempt).toBe(2);
  });

  it('keeps two instances fully apart', async () => {
    const a = new MemoryDriver();
    const b = new MemoryDriver();
    await a.enqueue([{ id: 'x', queue: 'q', name: 'n', payload: 'null', priority: 0, maxAttempts: 1, runAt: 0, enqueuedAt: 0 }]);
    expect(await b.getJob('q', 'x')).toBeNull();
  });
});
