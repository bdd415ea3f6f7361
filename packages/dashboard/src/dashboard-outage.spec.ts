import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DriverUnavailableError, MemoryDriver, type JobCounts, type JobRecord, type JobState } from '@nest-jobs/core';
import type { ListOptions } from '@nest-jobs/core/driver';
import { BASIC, DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';

const OUTAGE = 'Redis unreachable at redis://10.0.0.9:6379: list of queues failed (Connection is closed.).';

/** A backend whose reads fail like RedisDriver's during an outage while `down`. */
class OutageDriver extends MemoryDriver {
  down = false;
  private check(): void {
    if (this.down) throw new DriverUnavailableError(OUTAGE);
  }
  override async queues(): Promise<string[]> {
    this.check();
    return super.queues();
  }
  override async counts(queue: string): Promise<JobCounts> {
    this.check();
    return super.counts(queue);
  }
  override async list(queue: string, state: JobState, options: ListOptions): Promise<JobRecord[]> {
    this.check();
    return super.list(queue, state, options);
  }
}

let booted: DashboardSpecApp;
let driver: OutageDriver;
beforeEach(async () => {
  driver = new OutageDriver();
  booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH }, { driver });
});
afterEach(async () => booted.app.close());

const get = (path: string) => request(booted.app.getHttpServer()).get(path).set('Authorization', BASIC);

describe('dashboard while the backend is unreachable', () => {
  it('shows a page that says so and reloads itself, instead of a JSON 500, and the dashboard once it answers', async () => {
    driver.down = true;
    for (const path of ['/jobs', '/jobs/queues/mail?state=dead', '/jobs/dead']) {
      const page = await get(path);
      expect(page.status).toBe(503);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['retry-after']).toBe('5');
      expect(page.text).toContain('<h1>Jobs backend unreachable</h1>');
      expect(page.text).toContain(OUTAGE);
      expect(page.text).toContain('<meta http-equiv="refresh" content="5">');
    }
    driver.down = false;
    const recovered = await get('/jobs');
    expect(recovered.status).toBe(200);
    expect(recovered.text).toContain('data-queue-row="mail"');
  });

  it('answers the live refresh with the message as text, for the page to show', async () => {
    driver.down = true;
    const partial = await get('/jobs?partial=1');
    expect(partial.status).toBe(503);
    expect(partial.headers['content-type']).toMatch(/^text\/plain/);
    expect(partial.text).toBe(`${OUTAGE} Retrying…`);
  });
});
