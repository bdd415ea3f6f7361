import type { MemoryDriver } from '../driver/memory/memory.driver.js';
import { ATTACH_TEST_CLOCK } from '../driver/memory/memory-test-hooks.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobsClock } from '../module/jobs-clock.js';
import type { TestingConfig } from '../module/jobs-config.js';
import { messages } from '../registry/jobs.messages.js';

/** Testing mode's time: it moves only when JobsTester moves it, and never backwards. */
export class VirtualClock implements JobsClock {
  private current: number;

  private constructor(startAt: number) {
    this.current = startAt;
  }

  /** A clock that drives `driver` too, so run times, leases and ticks all read one time. */
  static attachedTo(driver: MemoryDriver, testing: TestingConfig): VirtualClock {
    const clock = new VirtualClock(testing.startAt ?? Date.now());
    if (!driver[ATTACH_TEST_CLOCK](() => clock.now())) throw new JobsConfigurationError(messages.testingOwnsClock());
    return clock;
  }

  now(): number {
    return this.current;
  }

  moveTo(at: number): void {
    this.current = Math.max(this.current, at);
  }
}
