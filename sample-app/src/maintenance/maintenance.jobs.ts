import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Cron, Every, type JobContext } from '@nest-jobs/core';
import { sleep } from '../common/sleep.js';
import { reportsDir } from '../reports/reports-dir.js';

export const MAINTENANCE_QUEUE = 'maintenance';
const REPORT_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Schedules run once per tick however many worker processes are up. */
@Injectable()
export class MaintenanceJobs {
  /** 02:00 Berlin time, winter and summer alike. */
  @Cron('0 2 * * *', { timezone: 'Europe/Berlin', queue: MAINTENANCE_QUEUE, overlap: false })
  async cleanup(ctx: JobContext): Promise<{ removed: number }> {
    const directory = reportsDir();
    const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const cutoff = (ctx.scheduledFor ?? new Date()).getTime() - REPORT_MAX_AGE_MS;
    let removed = 0;
    for (const name of names.filter((file) => file.endsWith('.csv'))) {
      const path = join(directory, name);
      if ((await stat(path)).mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    ctx.logger.log(`Nightly cleanup removed ${removed} report(s) older than 7 days from ${directory}`);
    return { removed };
  }

  @Every('5m', { queue: MAINTENANCE_QUEUE, overlap: false, attempts: 2, backoff: 30_000 })
  async syncExternal(ctx: JobContext): Promise<{ syncedAt: string }> {
    await sleep(10, ctx.signal); // stub of the external API call (no network), which would take ctx.signal
    ctx.logger.log('Synced with the external CRM (stub, no network call)');
    return { syncedAt: (ctx.scheduledFor ?? new Date()).toISOString() };
  }
}
