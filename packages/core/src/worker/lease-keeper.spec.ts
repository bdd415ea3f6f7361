import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { LeasedJob } from '../driver/job-record.js';
import type { LeaseRef } from '../driver/queue-driver.interface.js';
import { eventually } from '../spec-support/boot.js';
import { JobCancelledError } from '../errors/job-cancelled.error.js';
import { LeaseLostError } from './job-error.js';
import { LeaseKeeper, type LeaseEnd } from './lease-keeper.js';

const LEASE_MS = 1_000;
let clock = 1_000_000;
const now = (): number => clock;
const keepers: LeaseKeeper[] = [];
afterEach(() => keepers.splice(0).forEach((keeper) => keeper.stop()));

/** A MemoryDriver on the fake clock holding job "j" (3 attempts), the extends it received, and a keeper on the same clock. */
async function setup(leaseMs = LEASE_MS, readsJobs = false): Promise<{ driver: MemoryDriver; keeper: LeaseKeeper; extended: LeaseRef[] }> {
  const driver = new MemoryDriver({ now });
  await driver.enqueue([{ id: 'j', queue: 'q', name: 'T.run', payload: '{}', priority: 0, maxAttempts: 3, runAt: clock, enqueuedAt: clock }]);
  const extended: LeaseRef[] = [];
  const extend = driver.extend.bind(driver);
  driver.extend = (queue, items, ms) => {
    extended.push(...items);
    return extend(queue, items, ms);
  };
  const keeper = new LeaseKeeper(driver, leaseMs, (error) => { throw error; }, now, readsJobs ? driver : undefined);
  keepers.push(keeper);
  return { driver, keeper, extended };
}

async function lease(driver: MemoryDriver): Promise<LeasedJob> {
  const [job] = await driver.fetch('q', { max: 1, leaseMs: LEASE_MS });
  if (!job) throw new Error('nothing to lease');
  return job;
}

describe('LeaseKeeper', () => {
  it('aborts the older try at once when this process leases the same job again, naming the stall and the new attempt', async () => {
    const { driver, keeper } = await setup();
    keeper.start();
    const first = await lease(driver);
    const lost: LeaseEnd[] = [];
    keeper.hold(first, (reason) => lost.push(reason));
    clock += 3_000; // the event loop is blocked: no renewal tick runs, the lease lapses
    const second = await lease(driver);
    expect(second).toMatchObject({ id: 'j', attempt: 2 });
    keeper.hold(second, () => { throw new Error('the new try must keep its lease'); });

    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(LeaseLostError);
    expect(lost[0]!.message).toBe(
      'Lease of job j on queue "q" (attempt 1) lapsed (event loop blocked for 3000 ms?) and this process leased it again as attempt 2',
    );
    expect(lost[0]!.message).not.toContain('another worker');
  });

  it('drops only the lease of the try that ends: the stale try leaves the new one held and renewed', async () => {
    const { driver, keeper, extended } = await setup(150);
    const first = await lease(driver);
    keeper.hold(first, () => undefined);
    clock += 3_000;
    const second = await lease(driver);
    keeper.hold(second, () => undefined);
    keeper.drop('q', 'j', first.token); // the stale try's finally

    expect(keeper.snapshot()).toEqual([{ queue: 'q', id: 'j', token: second.token }]);
    keeper.start();
    await eventually(() => extended.length > 0, 2_000, 'a renewal');
    expect(extended.map((ref) => ref.token)).toContain(second.token);
    expect(extended.map((ref) => ref.token)).not.toContain(first.token);

    keeper.drop('q', 'j', second.token);
    expect(keeper.snapshot()).toEqual([]);
  });

  it('says a lease it could not renew lapsed and was leased again, without claiming who holds it', async () => {
    const { driver, keeper } = await setup(150);
    const first = await lease(driver);
    const lost: LeaseEnd[] = [];
    keeper.hold(first, (reason) => lost.push(reason));
    clock += 3_000;
    await lease(driver); // another consumer takes it; this keeper never hears of that lease
    keeper.start();
    await eventually(() => lost.length > 0, 2_000, 'the renewal to find the lease lost');

    expect(lost[0]!.message).toMatch(/^Lease of job j on queue "q" \(attempt 1\) could not be renewed: it lapsed \(.+\) and the job was leased again, or it was removed$/);
    expect(keeper.snapshot()).toEqual([]);
  });

  it('blames no stall when the renewals ran on time', async () => {
    const { driver, keeper } = await setup();
    const first = await lease(driver);
    const lost: LeaseEnd[] = [];
    keeper.hold(first, (reason) => lost.push(reason));
    keeper.hold({ ...first, token: 'newer', attempt: 2 }, () => undefined);
    expect(lost[0]!.message).toContain('lapsed (no renewal reached the driver within 1000 ms) and this process leased it again as attempt 2');
  });

  it('stops a cancelled job with JobCancelledError, not LeaseLostError, when the cancel message never reached it', async () => {
    const { driver, keeper } = await setup(150, true);
    const job = await lease(driver);
    const lost: LeaseEnd[] = [];
    keeper.hold({ ...job, name: 'T.run' }, (reason) => lost.push(reason));
    // Cancelled elsewhere; this keeper is not told (a missed pub/sub message): only its renewal finds out.
    await driver.cancel('q', 'j', 'customer left');
    keeper.start();
    await eventually(() => lost.length > 0, 2_000, 'the renewal to find the lease void');

    expect(lost[0]).toBeInstanceOf(JobCancelledError);
    expect(lost[0]).toMatchObject({ jobId: 'j', jobName: 'T.run', reason: 'customer left' });
    expect(keeper.snapshot()).toEqual([]);
  });
});
