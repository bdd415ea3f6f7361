import { describe } from '@jest/globals';
import { adminConformance } from './admin.conformance.js';
import { eventConformance } from './events.conformance.js';
import { flowConformance } from './flow.conformance.js';
import { cancelConformance } from './cancel.conformance.js';
import { dependencyConformance } from './dependencies.conformance.js';
import type { DriverFactory } from './fixture.js';
import { useFixture } from './fixture.js';
import { leaseConformance } from './leases.conformance.js';
import { orderingConformance } from './ordering.conformance.js';
import { retryConformance } from './retries.conformance.js';
import { scheduleConformance } from './schedules.conformance.js';
import { runtimeScheduleConformance } from './runtime-schedules.conformance.js';
import { waitConformance } from './waits.conformance.js';

export interface ConformanceOptions {
  /** Multiplies every time bound: raise it for a slow or remote backend. Default 1. */
  timeScale?: number;
}

/**
 * The semantics every QueueDriver shares, as a Jest suite. Run it against your
 * driver: `describeDriverConformance('MyDriver', () => new MyDriver())`. Each
 * test gets a fresh driver (closed afterwards) and its own queue name, so
 * several drivers may share one backend.
 */
export function describeDriverConformance(label: string, createDriver: DriverFactory, options: ConformanceOptions = {}): void {
  describe(`${label} conforms to QueueDriver`, () => {
    const fixture = useFixture(createDriver, options.timeScale ?? 1);
    orderingConformance(fixture);
    waitConformance(fixture);
    leaseConformance(fixture);
    retryConformance(fixture);
    adminConformance(fixture);
    eventConformance(fixture);
    scheduleConformance(fixture);
    runtimeScheduleConformance(fixture);
    flowConformance(fixture);
    cancelConformance(fixture);
    dependencyConformance(fixture);
  });
}
