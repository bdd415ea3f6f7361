import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Points the sample app's REPORTS_DIR at a fresh temporary directory; `restore` removes it. */
export async function useTempReportsDir(): Promise<{ dir: string; restore(): Promise<void> }> {
  const previous = process.env.REPORTS_DIR;
  const dir = await mkdtemp(join(tmpdir(), 'nest-jobs-reports-'));
  process.env.REPORTS_DIR = dir;
  return {
    dir,
    restore: async () => {
      if (previous === undefined) delete process.env.REPORTS_DIR;
      else process.env.REPORTS_DIR = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
