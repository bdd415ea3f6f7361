import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultResult } from './support/results.js';

/**
 * `npm run test:faults`: runs the fault suite with its own Jest config, then
 * prints one summary row per fault (FAULTS_JOBS sets the chaos size).
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nest-jobs-faults-'));
const resultsFile = join(dir, 'results.jsonl');
const started = Date.now();
const jest = spawnSync(process.execPath, [
  '--experimental-vm-modules', '--enable-source-maps', join(root, 'node_modules/jest/bin/jest.js'),
  '-c', join(root, 'jest.faults.config.js'), ...process.argv.slice(2),
], { cwd: root, stdio: 'inherit', env: { ...process.env, FAULTS_RESULTS: resultsFile } });

const rows: FaultResult[] = existsSync(resultsFile)
  ? readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as FaultResult)
  : [];
rmSync(dir, { recursive: true, force: true });

const header = ['fault', 'runs', 'jobs', 'lost', 'duplicates', 'recovery', 'note'];
const table = [header, ...rows.map((row) => [
  row.fault, String(row.runs), String(row.jobs), String(row.lost), String(row.duplicates),
  row.recoveryMs === undefined ? '-' : `${row.recoveryMs} ms`, row.note ?? '',
])];
const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
console.log(`\nFault summary (${((Date.now() - started) / 1000).toFixed(0)} s, FAULTS_JOBS=${process.env.FAULTS_JOBS ?? 'default'})`);
console.log([line(table[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n'));
process.exit(jest.status ?? 1);
