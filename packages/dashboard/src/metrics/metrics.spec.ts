import { afterEach, describe, expect, it } from '@jest/globals';
import type { JobsOutbox } from '@nest-jobs/core';
import request from 'supertest';
import { DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from '../spec-support/boot-dashboard.js';
import { eventually } from '../spec-support/eventually.js';
import { fixtureState } from '../spec-support/fixture-jobs.js';
import { JobsMetrics } from './jobs-metrics.js';
import { JobsMetricsModule } from './jobs-metrics.module.js';

let booted: DashboardSpecApp;
afterEach(async () => booted.app.close());

describe('JobsMetricsModule', () => {
  it('counts completed, failed and dead jobs by queue and name, times them, and reports depth and oldest waiting age', async () => {
    fixtureState.failing = true;
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH }, { imports: [JobsMetricsModule.forRoot({ path: '/metrics' })] });
    await (await booted.producer.enqueue('send', { to: 'a@example.com' })).result({ timeout: 5_000 });
    const flaky = await booted.producer.enqueue('flaky', { note: 'x' });
    await eventually(async () => (await flaky.state()) === 'dead', 5_000, 'dead');
    await booted.admin.pause('mail');
    await booted.producer.enqueue('send', { to: 'b@example.com' });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const response = await request(booted.app.getHttpServer()).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    const text = response.text;
    expect(text).toContain('nest_jobs_jobs_completed_total{queue="mail",name="FixtureJobs.send"} 1');
    expect(text).toContain('nest_jobs_jobs_failed_total{queue="mail",name="FixtureJobs.flaky"} 1');
    expect(text).toContain('nest_jobs_jobs_dead_total{queue="mail",name="FixtureJobs.flaky"} 1');
    expect(text).toContain('nest_jobs_job_duration_seconds_count{queue="mail",name="FixtureJobs.send"} 1');
    expect(text).toContain('nest_jobs_queue_jobs{queue="mail",state="waiting"} 1');
    expect(text).toContain('nest_jobs_queue_jobs{queue="mail",state="dead"} 1');
    expect(text).toContain('nest_jobs_queue_paused{queue="mail"} 1');
    const age = Number(/nest_jobs_queue_oldest_waiting_age_seconds\{queue="mail"\} ([\d.]+)/.exec(text)![1]);
    expect(age).toBeGreaterThanOrEqual(0.25);
    expect(age).toBeLessThan(10);
    expect((await request(booted.app.getHttpServer()).get('/jobs')).status).toBe(401);
  });

  it('reports the outbox relay lag when the module has an outbox, and 0 without one', async () => {
    const outbox: JobsOutbox = {
      write: () => Promise.resolve([]), start: () => Promise.resolve(), stop: () => Promise.resolve(),
      lag: () => Promise.resolve({ pending: 42, oldestMs: 1_500, rejected: 2 }),
    };
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { outbox, imports: [JobsMetricsModule.forRoot({ path: '/metrics' })] });
    const text = (await request(booted.app.getHttpServer()).get('/metrics')).text;
    expect(text).toContain('nest_jobs_outbox_pending_jobs 42');
    expect(text).toContain('nest_jobs_outbox_oldest_age_seconds 1.5');
    expect(text).toContain('nest_jobs_outbox_rejected_jobs 2');
    await booted.app.close();
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [JobsMetricsModule.forRoot({ path: '/metrics' })] });
    expect((await request(booted.app.getHttpServer()).get('/metrics')).text).toMatch(/^nest_jobs_outbox_pending_jobs 0$/m);
  });

  it('reports scheduler lag from the tick instant in the job id to the job starting', async () => {
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { mode: 'producer', imports: [JobsMetricsModule.forRoot({ path: '/ops/metrics', prefix: 'app_' })] });
    booted.app.get(JobsMetrics).record({ type: 'active', id: 'cron:nightly:sync:1000', queue: 'q', name: 'nightly:sync', attempt: 1, at: new Date(3_500) });
    const text = (await request(booted.app.getHttpServer()).get('/ops/metrics')).text;
    expect(text).toContain('app_scheduler_lag_seconds{schedule="nightly:sync"} 2.5');
  });
});
