import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where generated reports go: env REPORTS_DIR, else `<tmp>/reports`. */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPORTS_DIR ?? join(tmpdir(), 'reports');
}
