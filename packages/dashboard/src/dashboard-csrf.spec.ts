import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { BASIC, DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';

let booted: DashboardSpecApp;
afterEach(async () => booted.app.close());

/** Opens a page like a browser would: returns the CSRF cookie and the token embedded in the page. */
async function openPage(): Promise<{ cookie: string; token: string }> {
  const page = await request(booted.app.getHttpServer()).get('/jobs').set('Authorization', BASIC);
  const cookie = String(page.headers['set-cookie']).split(';')[0]!;
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
  return { cookie, token };
}

describe('dashboard actions and CSRF', () => {
  beforeEach(async () => {
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH });
  });

  it('sets an HttpOnly, SameSite=Strict token cookie scoped to the dashboard path, and repeats the token in the page', async () => {
    const page = await request(booted.app.getHttpServer()).get('/jobs').set('Authorization', BASIC);
    expect(String(page.headers['set-cookie'])).toMatch(/^nestjobs_csrf=[\w-]{43}; Path=\/jobs; HttpOnly; SameSite=Strict/);
    const { cookie, token } = await openPage();
    expect(cookie).toBe(`nestjobs_csrf=${token}`);
    const again = await request(booted.app.getHttpServer()).get('/jobs/dead').set('Authorization', BASIC).set('Cookie', cookie);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.text).toContain(`content="${token}"`);
  });

  it('refuses a POST without a token, with only the cookie, or with a token that does not match', async () => {
    const server = booted.app.getHttpServer();
    const { cookie, token } = await openPage();
    const none = await request(server).post('/jobs/queues/mail/pause').set('Authorization', BASIC);
    expect(none.status).toBe(403);
    expect(none.body.message).toMatch(/CSRF token/);
    expect((await request(server).post('/jobs/queues/mail/pause').set('Authorization', BASIC).set('Cookie', cookie)).status).toBe(403);
    const forged = 'A'.repeat(43);
    expect((await request(server).post('/jobs/queues/mail/pause').set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', forged)).status).toBe(403);
    expect((await request(server).post('/jobs/queues/mail/pause').set('Authorization', BASIC).set('x-csrf-token', token)).status).toBe(403);
    expect((await booted.admin.queues()).find((queue) => queue.name === 'mail')!.paused).toBe(false);
  });

  it('performs the action with the cookie and the matching header, and answers JSON to the page script', async () => {
    const { cookie, token } = await openPage();
    const response = await request(booted.app.getHttpServer())
      .post('/jobs/queues/mail/pause')
      .set('Authorization', BASIC)
      .set('Cookie', cookie)
      .set('x-csrf-token', token)
      .set('Accept', 'application/json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, message: 'Paused queue mail.' });
    expect((await booted.admin.queues()).find((queue) => queue.name === 'mail')!.paused).toBe(true);
  });

  it('accepts a plain form post carrying _csrf and redirects it with 303', async () => {
    const { cookie, token } = await openPage();
    const response = await request(booted.app.getHttpServer())
      .post('/jobs/schedules/nightly-cleanup/pause')
      .set('Authorization', BASIC)
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/jobs/schedules');
    expect((await booted.admin.schedules()).find((schedule) => schedule.name === 'nightly-cleanup')!.paused).toBe(true);
  });

  it('refuses cross-site requests even with a token, and has no GET route that mutates', async () => {
    const { cookie, token } = await openPage();
    const server = booted.app.getHttpServer();
    const crossSite = await request(server).post('/jobs/queues/mail/pause').set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', token).set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    expect((await request(server).get('/jobs/queues/mail/pause').set('Authorization', BASIC)).status).toBe(404);
  });

  it('answers 400 for an unknown schedule', async () => {
    const { cookie, token } = await openPage();
    const response = await request(booted.app.getHttpServer()).post('/jobs/schedules/nope/trigger').set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', token);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/nope/);
  });
});

describe('read-only dashboard', () => {
  it('renders no action buttons and refuses POSTs with 403', async () => {
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH, readOnly: true });
    const page = await request(booted.app.getHttpServer()).get('/jobs/schedules').set('Authorization', BASIC);
    expect(page.text).not.toContain('method="post"');
    const { cookie, token } = await openPage();
    const response = await request(booted.app.getHttpServer()).post('/jobs/schedules/nightly-cleanup/pause').set('Authorization', BASIC).set('Cookie', cookie).set('x-csrf-token', token);
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/read-only/);
  });
});
