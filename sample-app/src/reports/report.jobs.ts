import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableJobError, type JobContext } from '@nest-jobs/core';
import { sleep } from '../common/sleep.js';
import type { ReportFile, ReportRequest } from './report-request.js';
import { reportsDir } from './reports-dir.js';

/** Reports have their own queue, so a separate worker can run them: `JOBS_MODE=worker JOBS_QUEUES=reports`. */
export const REPORTS_QUEUE = 'reports';

const STEPS = 4;
const STEP_MS = 100;

@Injectable()
export class ReportJobs {
  @Job({
    queue: REPORTS_QUEUE,
    concurrency: 2,
    attempts: 3,
    backoff: 2_000,
    timeout: 60_000,
    removeOnComplete: { age: 7 * 24 * 3_600_000, count: 1_000 },
  })
  async generate(request: ReportRequest, ctx: JobContext): Promise<ReportFile> {
    if (request.fail) {
      // Retrying cannot fix a bad request: skip the remaining tries.
      throw new UnrecoverableJobError('Report definition is invalid (demo failure: fail=true)');
    }
    const lines = ['row,value'];
    for (let step = 1; step <= STEPS; step++) {
      await sleep(STEP_MS, ctx.signal); // stands in for a slow query; stops at once on timeout or shutdown
      const from = Math.floor(((step - 1) * request.rows) / STEPS);
      const to = Math.floor((step * request.rows) / STEPS);
      for (let row = from + 1; row <= to; row++) lines.push(`${row},${(row * 37) % 101}`);
      await ctx.progress(Math.round((step / STEPS) * 100));
    }
    const directory = reportsDir();
    await mkdir(directory, { recursive: true });
    const path = join(directory, `${ctx.id}.csv`);
    await writeFile(path, `${lines.join('\n')}\n`, { signal: ctx.signal });
    ctx.logger.log(`Wrote ${request.rows} rows to ${path}`);
    return { path, rows: request.rows };
  }
}
