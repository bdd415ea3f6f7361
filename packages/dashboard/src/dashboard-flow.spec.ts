import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { getProducerToken, type Producer } from '@nest-jobs/core';
import { bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';
import { eventually } from './spec-support/eventually.js';
import { FlowFixtureJobs, FlowFixtureModule } from './spec-support/flow-fixture.js';
import { JobsMetricsModule } from './metrics/jobs-metrics.module.js';

let booted: DashboardSpecApp;
afterEach(async () => booted.app.close());

describe('flow control in the dashboard and metrics', () => {
  it('shows limits, usage, held groups and why a job waits; counts held jobs and expired ones by limit', async () => {
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [FlowFixtureModule, JobsMetricsModule.forRoot({ path: '/metrics' })] });
    const api = booted.app.get<Producer<FlowFixtureJobs>>(getProducerToken(FlowFixtureJobs));
    const handles = await api.enqueueMany(['acme', 'acme', 'globex', 'initech'].map((tenant) => ({ job: 'call' as const, payload: { tenant } })));
    await eventually(async () => (await booted.admin.queues()).find((queue) => queue.name === 'api')?.counts.completed === 2, 5_000, 'two starts');
    const server = booted.app.getHttpServer();

    const page = (await request(server).get('/jobs/queues/api')).text;
    expect(page).toContain('Flow control');
    expect(page).toContain('2 per 3600000 ms, 1 at once per group');
    expect(page).toMatch(/<td class="held">at its rate limit<\/td>/);

    const waiting = (await booted.admin.list('api', 'waiting'))[0]!;
    expect(handles.map((handle) => handle.id)).toContain(waiting.id);
    const jobPage = (await request(server).get(`/jobs/queues/api/jobs/${waiting.id}`)).text;
    expect(jobPage).toContain('<dd class="waiting-reason">&quot;FlowFixtureJobs.call&quot; at its rate limit of 2 per 3600000 ms</dd>');
    expect(jobPage).toMatch(/<dd class="job-group">(acme|globex|initech)<\/dd>/);

    const metrics = (await request(server).get('/metrics')).text;
    expect(metrics).toContain('nest_jobs_flow_held_jobs{queue="api",name="FlowFixtureJobs.call",limit="rate"} 2');
    expect(metrics).toContain('nest_jobs_flow_running_jobs{queue="api",name="FlowFixtureJobs.call"} 0');
    expect(metrics).toContain('nest_jobs_queue_jobs{queue="api",state="expired"} 0');
  });

  it('cancels a waiting job from its page (CSRF-checked), and counts it', async () => {
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [FlowFixtureModule, JobsMetricsModule.forRoot({ path: '/metrics' })] });
    const api = booted.app.get<Producer<FlowFixtureJobs>>(getProducerToken(FlowFixtureJobs));
    const handles = await api.enqueueMany(['a', 'b', 'c'].map((tenant) => ({ job: 'call' as const, payload: { tenant } })));
    await eventually(async () => (await booted.admin.queues()).find((queue) => queue.name === 'api')?.counts.completed === 2, 5_000, 'two starts');
    const waiting = (await booted.admin.list('api', 'waiting'))[0]!;
    expect(handles.map((handle) => handle.id)).toContain(waiting.id);
    const server = booted.app.getHttpServer();
    const page = await request(server).get(`/jobs/queues/api/jobs/${waiting.id}`);
    expect(page.text).toContain(`/jobs/queues/api/jobs/${waiting.id}/cancel`);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    const response = await request(server).post(`/jobs/queues/api/jobs/${waiting.id}/cancel`).set('Cookie', cookie).set('x-csrf-token', token).set('Accept', 'application/json');
    expect(response.body).toEqual({ ok: true, message: `Job ${waiting.id} is cancelled.` });
    const job = await booted.admin.get('api', waiting.id);
    expect(job).toMatchObject({ state: 'cancelled' });
    expect(job!.errors.at(-1)).toMatchObject({ name: 'JobCancelledError', message: 'cancelled from the dashboard' });
    expect((await request(server).get(`/jobs/queues/api/jobs/${waiting.id}`)).text).not.toContain(`/jobs/queues/api/jobs/${waiting.id}/cancel`);
    await eventually(async () => (await request(server).get('/metrics')).text.includes('nest_jobs_jobs_cancelled_total{queue="api",name="FlowFixtureJobs.call"} 1'), 5_000, 'the counter');
    expect((await request(server).get('/metrics')).text).toContain('nest_jobs_queue_jobs{queue="api",state="cancelled"} 1');
  });
});
