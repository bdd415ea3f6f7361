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
});
