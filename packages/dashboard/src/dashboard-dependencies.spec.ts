import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { getProducerToken, type Producer } from '@nest-jobs/core';
import { bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';
import { eventually } from './spec-support/eventually.js';
import { FlowFixtureJobs, FlowFixtureModule } from './spec-support/flow-fixture.js';
import { JobsMetricsModule } from './metrics/jobs-metrics.module.js';

let booted: DashboardSpecApp;
afterEach(async () => booted.app.close());

describe('job dependencies in the dashboard and metrics', () => {
  it('counts a blocked job, lists its dependencies with their states on its page, and can cancel it', async () => {
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [FlowFixtureModule, JobsMetricsModule.forRoot({ path: '/metrics' })] });
    const api = booted.app.get<Producer<FlowFixtureJobs>>(getProducerToken(FlowFixtureJobs));
    // Two starts per hour: two parts complete, the third waits, so the summary stays blocked.
    const parts = await api.enqueueMany(['a', 'b', 'c'].map((tenant) => ({ job: 'call' as const, payload: { tenant } })));
    await eventually(async () => (await booted.admin.queues()).find((queue) => queue.name === 'api')?.counts.completed === 2, 5_000, 'two parts');
    const summary = await api.enqueue('call', { tenant: 'summary' }, { dependsOn: parts });
    const server = booted.app.getHttpServer();

    const overview = (await request(server).get('/jobs')).text;
    expect(overview).toMatch(/<td class="num" data-count="blocked"><a href="\/jobs\/queues\/api\?state=blocked">1<\/a><\/td>/);
    expect((await request(server).get('/jobs/queues/api?state=blocked')).text).toContain(summary.id);

    const page = (await request(server).get(`/jobs/queues/api/jobs/${summary.id}`)).text;
    expect(page).toContain('Dependencies (2 of 3 completed; dead if one does not complete)');
    const states = parts.map((part) => new RegExp(`<tr data-dependency="${part.id}">[\\s\\S]*?data-state="(\\w+)"`).exec(page)?.[1]);
    expect(states.sort()).toEqual(['completed', 'completed', 'waiting']);
    expect(page).toContain(`href="/jobs/queues/api/jobs/${parts[0]!.id}"`);
    expect(page).toContain(`/jobs/queues/api/jobs/${summary.id}/cancel`);

    expect((await request(server).get('/metrics')).text).toContain('nest_jobs_queue_jobs{queue="api",state="blocked"} 1');
  });
});
