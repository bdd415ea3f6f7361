import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { BASIC, DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';
import { eventually } from './spec-support/eventually.js';
import { XSS_IMG, XSS_SCRIPT, fixtureState } from './spec-support/fixture-jobs.js';

let booted: DashboardSpecApp;
beforeEach(async () => {
  fixtureState.failing = true;
  booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH });
});
afterEach(async () => booted.app.close());

const get = (path: string) => request(booted.app.getHttpServer()).get(path).set('Authorization', BASIC);
const rows = (text: string): number => text.match(/data-job-row=/g)?.length ?? 0;

describe('dashboard pages', () => {
  it('shows every queue with its counts and pause state on the overview, with the throughput chart', async () => {
    await booted.admin.pause('mail');
    await booted.producer.enqueue('send', { to: 'a@example.com' });
    const page = await get('/jobs');
    expect(page.text).toMatch(/data-queue-row="mail"[\s\S]*?paused[\s\S]*?data-count="waiting"><a [^>]*>1</);
    expect(page.text).toContain('data-queue-row="maintenance"');
    expect(page.text).toContain('<svg viewBox=');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('renders hostile job names, payloads and errors as text on every page', async () => {
    await booted.producer.enqueue('hostileName');
    const handle = await booted.producer.enqueue('flaky', { note: XSS_SCRIPT + XSS_IMG });
    await eventually(async () => (await booted.admin.queues()).find((queue) => queue.name === 'mail')!.counts.dead === 2, 5_000, 'two dead jobs');
    await booted.admin.pause('mail');
    await booted.producer.enqueue('hostileImg', undefined, { jobId: XSS_IMG });
    const pages = [
      await get('/jobs/dead'),
      await get('/jobs/queues/mail?state=dead'),
      await get('/jobs/queues/mail?state=waiting'),
      await get(`/jobs/queues/mail/jobs/${handle.id}`),
      await get(`/jobs/queues/mail/jobs/${encodeURIComponent(XSS_IMG)}`),
      await get(`/jobs/queues/mail?id=${encodeURIComponent(XSS_SCRIPT)}`),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).not.toContain('<img src=x');
    }
    expect(pages[0]!.text).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(pages[0]!.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(pages[5]!.text).toContain('No job with id “&lt;script&gt;');
  });

  it('pages through a queue 100 at most, and refuses sizes, pages and states out of bounds with 400', async () => {
    await booted.admin.pause('mail');
    await booted.producer.enqueueMany(Array.from({ length: 130 }, (_, index) => ({ job: 'send' as const, payload: { to: `user${index}@example.com` } })));
    const first = await get('/jobs/queues/mail?state=waiting&size=100');
    expect(rows(first.text)).toBe(100);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('rel="next"');
    const second = await get('/jobs/queues/mail?state=waiting&size=100&page=2');
    expect(rows(second.text)).toBe(30);
    expect(rows((await get('/jobs/queues/mail')).text)).toBe(25);
    for (const query of ['size=101', 'size=0', 'size=1e3', 'page=0', 'page=1001', 'page=-1', 'state=bogus']) {
      const response = await get(`/jobs/queues/mail?${query}`);
      expect(response.status).toBe(400);
    }
  });

  it('looks a job up by id and shows payload, result, progress and timestamps', async () => {
    const handle = await booted.producer.enqueue('send', { to: 'lookup@example.com' }, { jobId: 'order-42' });
    await handle.result({ timeout: 5_000 });
    const page = await get('/jobs/queues/mail?id=order-42');
    expect(page.text).toContain('<h1>Job order-42</h1>');
    expect(page.text).toContain('&quot;to&quot;: &quot;lookup@example.com&quot;');
    expect(page.text).toContain('&quot;sent&quot;: &quot;lookup@example.com&quot;');
    expect(page.text).toContain('data-state="completed"');
    expect((await get('/jobs/queues/mail/jobs/missing')).status).toBe(404);
  });

  it('shows a dead job with every failed try and its stack, retries it and it completes', async () => {
    const handle = await booted.producer.enqueue('flaky', { note: 'first' });
    await eventually(async () => (await handle.state()) === 'dead', 5_000, 'dead');
    const dead = await get(`/jobs/queues/mail/jobs/${handle.id}`);
    expect(dead.text).toContain('flaky failed: first');
    expect(dead.text).toMatch(/<pre class="stack">Error: flaky failed: first\n\s+at /);
    expect(dead.text).toContain(`/jobs/queues/mail/jobs/${handle.id}/retry`);
    fixtureState.failing = false;
    await booted.admin.retry('mail', handle.id);
    await eventually(async () => (await handle.state()) === 'completed', 5_000, 'completed');
    expect((await get(`/jobs/queues/mail/jobs/${handle.id}?partial=1`)).text).toContain('&quot;recovered&quot;');
  });

  it('removes every dead job of a queue with one action, and leaves its other jobs', async () => {
    await booted.producer.enqueue('hostileName');
    await booted.producer.enqueue('flaky', { note: 'x' });
    await eventually(async () => (await booted.admin.queues()).find((queue) => queue.name === 'mail')!.counts.dead === 2, 5_000, 'two dead jobs');
    await booted.admin.pause('mail');
    await booted.producer.enqueue('send', { to: 'a@example.com' });
    const page = await get('/jobs/dead');
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    const response = await request(booted.app.getHttpServer())
      .post('/jobs/queues/mail/dead/remove-all')
      .set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', token).set('Accept', 'application/json');
    expect(response.body).toEqual({ ok: true, message: 'Removed 2 dead job(s) of mail.' });
    expect((await booted.admin.queues()).find((queue) => queue.name === 'mail')!.counts).toMatchObject({ dead: 0, waiting: 1 });
  });

  it('lists schedules with expression, timezone, next and last run', async () => {
    await booted.admin.trigger('hourly-sync');
    const page = await get('/jobs/schedules');
    expect(page.text).toMatch(/data-schedule-row="nightly-cleanup"[\s\S]*?<code>0 3 \* \* \*<\/code>[\s\S]*?Europe\/Berlin/);
    expect(page.text).toMatch(/data-schedule-row="hourly-sync"[\s\S]*?every 1 h/);
    expect(page.text).toContain('/jobs/schedules/nightly-cleanup/pause');
  });

  it('lists runtime schedules beside code ones, with their job, and removes one with its Remove button', async () => {
    await booted.producer.schedule(XSS_SCRIPT, 'send', { to: 'digest@example.com' }, { every: '30m' });
    const page = await get('/jobs/schedules');
    expect(page.text).toMatch(/data-schedule-row="hourly-sync"[\s\S]*?source-code/);
    expect(page.text).toMatch(/data-schedule-row="&lt;script&gt;[^"]*"[\s\S]*?runs FixtureJobs\.(?:<wbr>)?send[\s\S]*?source-runtime[\s\S]*?every 30 min/);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('/jobs/schedules/hourly-sync/remove');
    const action = `/jobs/schedules/${encodeURIComponent(XSS_SCRIPT)}/remove`;
    expect(page.text).toContain(action);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    const post = () => request(booted.app.getHttpServer()).post(action).set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', token).set('Accept', 'application/json');
    expect((await post()).body).toEqual({ ok: true, message: `Removed runtime schedule ${XSS_SCRIPT}.` });
    expect((await post()).body).toEqual({ ok: false, message: `No runtime schedule ${XSS_SCRIPT} to remove.` });
    expect((await booted.admin.schedules()).map(({ name }) => name)).toEqual(['nightly-cleanup', 'hourly-sync']);
  });

  it('answers ?partial=1 with the live region only, and serves the shipped script and stylesheet', async () => {
    const partial = await get('/jobs?partial=1');
    expect(partial.text).not.toContain('<html');
    expect(partial.text).toContain('<table class="queues">');
    const script = await get('/jobs/assets/dashboard.js');
    expect(script.headers['content-type']).toMatch(/text\/javascript/);
    expect(script.text).toContain('EventSource');
    expect((await get('/jobs/assets/dashboard.css')).headers['content-type']).toMatch(/text\/css/);
    expect((await get('/jobs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
