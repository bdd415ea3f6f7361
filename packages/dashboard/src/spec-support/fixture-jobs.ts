import { Injectable } from '@nestjs/common';
import { Cron, Every, Job, type JobContext } from '@nest-jobs/core';

export const XSS_SCRIPT = '<script>alert("xss")</script>';
export const XSS_IMG = '"><img src=x onerror=alert(1)>';

/** Switches the fixture's behaviour from a test. */
export const fixtureState = { failing: true, slowMs: 0 };

/** Jobs for the dashboard's specs: a plain job, a flaky one, hostile names and two schedules. */
@Injectable()
export class FixtureJobs {
  @Job({ queue: 'mail' })
  async send(payload: { to: string }, ctx: JobContext): Promise<{ sent: string }> {
    if (fixtureState.slowMs) {
      await ctx.progress(50);
      await new Promise((resolve) => setTimeout(resolve, fixtureState.slowMs));
    }
    return { sent: payload.to };
  }

  /** Fails (straight to dead: one try) while `fixtureState.failing`. */
  @Job({ queue: 'mail', attempts: 1 })
  async flaky(payload: { note: string }): Promise<string> {
    await Promise.resolve();
    if (fixtureState.failing) throw new Error(`flaky failed: ${payload.note}`);
    return 'recovered';
  }

  @Job({ name: XSS_SCRIPT, queue: 'mail', attempts: 1 })
  async hostileName(): Promise<void> {
    await Promise.resolve();
    throw new Error(XSS_IMG);
  }

  @Job({ name: XSS_IMG, queue: 'mail' })
  async hostileImg(): Promise<void> {}

  @Cron('0 3 * * *', { name: 'nightly-cleanup', queue: 'maintenance', timezone: 'Europe/Berlin' })
  async nightly(): Promise<void> {}

  @Every('1h', { name: 'hourly-sync', queue: 'maintenance' })
  async hourly(): Promise<void> {}
}
