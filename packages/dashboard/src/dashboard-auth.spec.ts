import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, type CanActivate } from '@nestjs/common';
import request from 'supertest';
import { JobsDashboardModule } from './dashboard.module.js';
import { BASIC, DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

const apps: DashboardSpecApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(({ app }) => app.close()));
});
async function boot(...args: Parameters<typeof bootDashboardApp>): Promise<DashboardSpecApp> {
  const booted = await bootDashboardApp(...args);
  apps.push(booted);
  return booted;
}

describe('JobsDashboardModule authentication', () => {
  it('refuses to mount without a guard or auth, and says how to fix it', () => {
    expect(() => JobsDashboardModule.forRoot({ path: '/jobs' })).toThrow(/refusing to mount the dashboard without authentication.*guard.*auth.*public: true/s);
  });

  it('refuses a bad path, bad credentials and a chart window over an hour', () => {
    expect(() => JobsDashboardModule.forRoot({ path: 'jobs', public: true })).toThrow(/path must start with "\/"/);
    expect(() => JobsDashboardModule.forRoot({ path: '/jobs', auth: { username: '', password: 'x' } })).toThrow(/auth must be/);
    expect(() => JobsDashboardModule.forRoot({ path: '/jobs', public: true, chartMinutes: 61 })).toThrow(/chartMinutes must be an integer from 1 to 60/);
  });

  it('answers 401 with a basic-auth challenge without or with wrong credentials, 200 with the right ones', async () => {
    const { app } = await boot({ path: '/jobs', auth: DEMO_AUTH });
    const anonymous = await request(app.getHttpServer()).get('/jobs');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const wrong = await request(app.getHttpServer()).get('/jobs').set('Authorization', `Basic ${Buffer.from('ops:nope').toString('base64')}`);
    expect(wrong.status).toBe(401);
    const ok = await request(app.getHttpServer()).get('/jobs').set('Authorization', BASIC);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/html/);
    expect(ok.text).toContain('<h1>Queues</h1>');
  });

  it('protects every route, the event stream and actions included', async () => {
    const { app } = await boot({ path: '/jobs', auth: DEMO_AUTH });
    for (const path of ['/jobs/queues/mail', '/jobs/dead', '/jobs/schedules', '/jobs/events', '/jobs/assets/dashboard.js']) {
      expect((await request(app.getHttpServer()).get(path)).status).toBe(401);
    }
    expect((await request(app.getHttpServer()).post('/jobs/queues/mail/pause')).status).toBe(401);
  });

  it('answers 403 when the guard or the auth function says no', async () => {
    const guarded = await boot({ path: '/jobs', guard: DenyGuard });
    expect((await request(guarded.app.getHttpServer()).get('/jobs')).status).toBe(403);
    const checked = await boot({ path: '/ops', auth: (req) => req.headers['x-operator'] === 'yes' });
    expect((await request(checked.app.getHttpServer()).get('/ops')).status).toBe(403);
    expect((await request(checked.app.getHttpServer()).get('/ops').set('x-operator', 'yes')).status).toBe(200);
  });

  it('mounts without auth only with public: true', async () => {
    const { app } = await boot({ path: '/admin/jobs', public: true });
    expect((await request(app.getHttpServer()).get('/admin/jobs')).status).toBe(200);
  });
});
