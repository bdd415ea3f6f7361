import { html, type SafeHtml } from './html.js';

const MAX_JSON_CHARS = 64 * 1024;

export function formatDate(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** Pretty JSON for payloads and results, cut at 64 KiB so a huge payload cannot stall the page. */
export function formatJson(value: unknown): string {
  if (value === undefined) return '—';
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? typeof value;
  } catch {
    text = `(${typeof value} that cannot be shown as JSON)`;
  }
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters)` : text;
}

export function formatEvery(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1_000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `every ${ms / size} ${unit}`;
  return `every ${ms} ms`;
}

/** A number 0–100 when progress is a plain percentage, otherwise undefined. */
export function progressPercent(progress: unknown): number | undefined {
  return typeof progress === 'number' && progress >= 0 && progress <= 100 ? progress : undefined;
}

/**
 * A job or schedule name that wraps after its dots and colons
 * (`EmailJobs.<wbr>sendEmail`) rather than inside a word; CSS breaks a word
 * only when it is wider than its box on its own.
 */
export function wrappableName(name: string): SafeHtml {
  return html`${name.split(/(?<=[.:])/).map((part, index) => (index === 0 ? html`${part}` : html`<wbr>${part}`))}`;
}
