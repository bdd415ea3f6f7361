import { readFileSync } from 'node:fs';

const TYPES: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, string>();

/** The shipped script and stylesheet (package's `assets/`), by exact name only. */
export function readAsset(file: string): { body: string; contentType: string } | undefined {
  const contentType = TYPES[file];
  if (!contentType) return undefined;
  let body = cache.get(file);
  if (body === undefined) {
    body = readFileSync(new URL(`../assets/${file}`, import.meta.url), 'utf8');
    cache.set(file, body);
  }
  return { body, contentType };
}
