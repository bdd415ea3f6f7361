import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.js';
import type { BenchResults } from './results.js';
import { renderSvg } from './svg.js';

/** Writes `<base>.json`, `.md` and `.svg` (base `latest`, or `quick` for smoke runs) into `dir`; returns their paths. */
export async function writeResults(results: BenchResults, dir: string, base = 'latest'): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [`${base}.json`, `${JSON.stringify(results, null, 2)}\n`],
    [`${base}.md`, renderMarkdown(results)],
    [`${base}.svg`, renderSvg(results)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text)));
  return files.map(([name]) => join(dir, name));
}
