import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { ChildApp, freePort } from './support/child-app.js';
import { useTempReportsDir } from './support/temp-dir.js';
import { eventually } from './support/wait.js';

// A throwaway redis-server on a free port: never the machine's own Redis.
let redis: RedisServerHandle;
let reports: Awaited<ReturnType<typeof useTempReportsDir>>;
const children: ChildApp[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
  reports = await useTempReportsDir();
}, 20_000);
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
});
afterAll(async () => {
  await redis?.stop();
  await reports?.restore();
});

function start(env: Record<string, string>): ChildApp {
  const child = new ChildApp({ REPORTS_DIR: reports.dir, ...env });
  children.push(child);
  return child;
}

describe('web and worker processes on Redis', () => {
  it('the web process (JOBS_MODE=producer) enqueues, the worker process (JOBS_MODE=worker) runs', async () => {
    const shared = { REDIS_URL: redis.url, JOBS_PREFIX: `e2e-${randomUUID().slice(0, 8)}` };
    const port = await freePort();
    const web = start({ ...shared, JOBS_MODE: 'producer', PORT: String(port) });
    const worker = start({ ...shared, JOBS_MODE: 'worker' });
    await Promise.all([web.waitFor(`HTTP on port ${port}`), worker.waitFor('Worker started')]);
    expect(web.output).toContain(`nest-jobs: redis driver at redis://127.0.0.1:${redis.port}`);
    expect(web.output).toContain(`prefix "${shared.JOBS_PREFIX}", mode producer`);
    expect(web.output).not.toContain('Consuming');
    expect(worker.output).toContain('Consuming "default", "reports", "maintenance" on the redis driver');

    const base = `http://127.0.0.1:${port}`;
    const post = async (path: string, body: object): Promise<{ jobId: string }> => {
      const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(202);
      return (await response.json()) as { jobId: string };
    };

    const { jobId: emailId } = await post('/signup', { email: 'ada@example.com' });
    await worker.waitFor(`[job ${emailId} attempt 1/3] Sent "Welcome!" to ada@example.com`);
    expect(web.output).not.toContain('Sent "Welcome!"');

    const { jobId: reportId } = await post('/reports', { rows: 5 });
    let report: { state?: string; progress?: number; result?: { path: string } } = {};
    await eventually(async () => {
      report = (await (await fetch(`${base}/reports/${reportId}`)).json()) as typeof report;
      return report.state === 'completed';
    }, 'the worker to complete the report', 10_000);
    expect(report).toMatchObject({ progress: 100, result: { path: `${reports.dir}/${reportId}.csv` } });

    const health = (await (await fetch(`${base}/health`)).json()) as { driver: string; queues: Array<{ name: string; counts: { completed: number } }> };
    expect(health.driver).toBe('redis');
    expect(health.queues.find((queue) => queue.name === 'default')?.counts.completed).toBe(1);

    const exits = await Promise.all([web.stop('SIGTERM'), worker.stop('SIGTERM')]);
    for (const exit of exits) expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  }, 45_000);
});
