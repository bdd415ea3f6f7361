import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import request from 'supertest';
import { bootDashboardApp, type DashboardSpecApp } from '../spec-support/boot-dashboard.js';
import { eventually } from '../spec-support/eventually.js';
import { fixtureState } from '../spec-support/fixture-jobs.js';
import { JobsHealthIndicator } from './jobs-health.indicator.js';
import { JobsHealthModule } from './jobs-health.module.js';

@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(JobsHealthIndicator) private readonly jobs: JobsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.jobs.isHealthy('jobs', { maxDead: 0 })]);
  }
}

let booted: DashboardSpecApp;
afterEach(async () => booted.app.close());

describe('JobsHealthIndicator', () => {
  it('is up while the driver answers and nothing is wrong, and down (503 through Terminus) once dead jobs pass the threshold', async () => {
    fixtureState.failing = true;
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [JobsHealthModule] });
    const indicator = booted.app.get(JobsHealthIndicator);
    expect((await indicator.isHealthy()).jobs.status).toBe('up');
    const flaky = await booted.producer.enqueue('flaky', { note: 'x' });
    await eventually(async () => (await flaky.state()) === 'dead', 5_000, 'dead');
    const result = await indicator.isHealthy('jobs', { maxDead: 0 });
    expect(result.jobs).toMatchObject({ status: 'down', deadOverThreshold: { mail: 1 } });
    expect(String(result.jobs.message)).toContain('queue mail has 1 dead jobs (max 0)');
  });

  it('answers 503 on a Terminus health route when unhealthy', async () => {
    fixtureState.failing = true;
    const { Module } = await import('@nestjs/common');
    @Module({ imports: [JobsHealthModule], controllers: [HealthController] })
    class HealthRouteModule {}
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { imports: [HealthRouteModule] });
    expect((await request(booted.app.getHttpServer()).get('/health')).status).toBe(200);
    const flaky = await booted.producer.enqueue('flaky', { note: 'x' });
    await eventually(async () => (await flaky.state()) === 'dead', 5_000, 'dead');
    const response = await request(booted.app.getHttpServer()).get('/health');
    expect(response.status).toBe(503);
    expect(response.body.error.jobs.status).toBe('down');
  });

  it('is down when ready jobs wait while no worker starts any, and when the driver does not answer', async () => {
    booted = await bootDashboardApp({ path: '/jobs', public: true }, { mode: 'producer', imports: [JobsHealthModule] });
    const indicator = booted.app.get(JobsHealthIndicator);
    await booted.producer.enqueue('send', { to: 'nobody@example.com' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const stalled = await indicator.isHealthy('jobs', { stalledAfterMs: 50 });
    expect(stalled.jobs).toMatchObject({ status: 'down', stalledQueues: ['mail'] });
    expect(String(stalled.jobs.message)).toContain('are workers running?');
    jest.spyOn(booted.admin, 'queues').mockReturnValue(new Promise(() => {}));
    const unreachable = await indicator.isHealthy('jobs', { timeoutMs: 50 });
    expect(unreachable.jobs).toMatchObject({ status: 'down', driver: 'unreachable' });
  });
});
