import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootSampleApp, type SampleApp } from './support/sample-app.js';
import { useTempReportsDir } from './support/temp-dir.js';
import { eventually, sleep } from './support/wait.js';

interface ReportStatus {
  id: string;
  state: string;
  progress?: number;
  result?: { path: string; rows: number };
  error?: string;
}

let reports: Awaited<ReturnType<typeof useTempReportsDir>>;
let sample: SampleApp;
beforeAll(async () => {
  reports = await useTempReportsDir();
});
afterAll(() => reports.restore());
beforeEach(async () => {
  sample = await bootSampleApp();
});
afterEach(() => sample.close());

async function status(id: string): Promise<ReportStatus> {
  return (await sample.http().get(`/reports/${id}`).expect(200)).body as ReportStatus;
}

describe('reports', () => {
  it('shows progress while the report runs, then the path of the written file', async () => {
    const { jobId } = (await sample.http().post('/reports').send({ rows: 20 }).expect(202)).body as { jobId: string };
    const seen: ReportStatus[] = [];
    await eventually(async () => {
      seen.push(await status(jobId));
      return seen.at(-1)!.state === 'completed';
    }, 'the report to complete');

    const running = seen.filter((report) => report.state === 'active' && report.progress !== undefined);
    expect(running.length).toBeGreaterThan(0);
    const percents = running.map((report) => report.progress!);
    expect(percents.some((percent) => percent > 0 && percent < 100)).toBe(true);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const path = join(reports.dir, `${jobId}.csv`);
    expect(seen.at(-1)).toEqual({ id: jobId, state: 'completed', progress: 100, result: { path, rows: 20 } });

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('row,value');
    expect(lines[20]).toMatch(/^20,\d+$/);
    const progress = sample.events.of(jobId).filter((event) => event.type === 'progress').map((event) => event.progress);
    expect(progress).toEqual([25, 50, 75, 100]);
    expect(sample.logs.find('ReportJobs.generate', `[job ${jobId} attempt 1/3] Wrote 20 rows to ${path}`)).toHaveLength(1);
  });

  it('answers 404 for an unknown report id', async () => {
    const response = await sample.http().get('/reports/no-such-report').expect(404);
    expect((response.body as { message: string }).message).toBe('No report with id "no-such-report" (unknown, or removed after its retention period).');
  });

  it('{ fail: true } throws UnrecoverableJobError: dead after the first try despite attempts 3', async () => {
    const { jobId } = (await sample.http().post('/reports').send({ fail: true }).expect(202)).body as { jobId: string };
    await eventually(async () => (await status(jobId)).state === 'dead', 'the report to die');
    await sleep(50);
    expect(await status(jobId)).toEqual({
      id: jobId,
      state: 'dead',
      error: 'Report definition is invalid (demo failure: fail=true)',
    });
    const job = await sample.admin.get('reports', jobId);
    expect(job).toMatchObject({ attempt: 1, maxAttempts: 3 });
    expect(job!.errors.map((error) => error.name)).toEqual(['UnrecoverableJobError']);
    expect(sample.events.of(jobId).map((event) => event.type)).toEqual(['enqueued', 'active', 'failed', 'dead']);
  });

  it.each([
    [{ rows: 0 }, 'rows must be an integer from 1 to 100000 (got 0).'],
    [{ rows: 'ten' }, 'rows must be an integer from 1 to 100000 (got "ten").'],
    [{ fail: 'yes' }, 'fail must be a boolean (got "yes").'],
  ])('refuses %j with 400', async (body, message) => {
    const response = await sample.http().post('/reports').send(body).expect(400);
    expect((response.body as { message: string }).message).toBe(message);
  });
});
