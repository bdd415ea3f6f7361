import { heldBy, type FlowInfo, type FlowLimits, type FlowUsage } from '@nest-jobs/core';
import { formatDate, wrappableName } from '../render/format.js';
import { html, type SafeHtml } from '../render/html.js';

const LIMIT_TEXT = {
  hold: 'held (RateLimitedError)',
  rate: 'at its rate limit',
  concurrency: 'at its global concurrency',
  'group-concurrency': 'group at its concurrency',
  'group-rate': 'group at its rate limit',
} as const;

/** The queue page's flow-control section: limits and usage per job name, the busiest groups and what holds them. Empty when the queue has no limited jobs. */
export function flowPanel(flow: FlowInfo | undefined, now: number): SafeHtml | '' {
  if (!flow || (flow.names.length === 0 && flow.groups.length === 0)) return '';
  const names = flow.names.map((row) => html`<tr>
  <td class="job-name">${wrappableName(row.name)}</td><td>${describeLimits(flow.limits[row.name])}</td><td>${row.running}</td>
  <td>${row.startsInWindow ?? '—'}</td><td>${row.heldUntil ? formatDate(row.heldUntil) : '—'}</td>
</tr>`);
  const groups = flow.groups.map((row: FlowUsage) => {
    const limit = heldBy(flow, row.name, row.group, now);
    return html`<tr>
  <td class="job-name">${wrappableName(row.name)}</td><td>${row.group ?? '—'}</td><td>${row.waiting ?? 0}</td><td>${row.running}</td>
  <td class="held">${limit ? `${LIMIT_TEXT[limit]}${limit === 'hold' && row.heldUntil ? ` until ${formatDate(row.heldUntil)}` : ''}` : 'has room'}</td>
</tr>`;
  });
  return html`<section class="flow">
<h2>Flow control</h2>
<table class="flow-names"><thead><tr><th>Job</th><th>Limits</th><th>Running</th><th>Starts in window</th><th>Held until</th></tr></thead><tbody>${names}</tbody></table>
${groups.length ? html`<table class="flow-groups"><thead><tr><th>Job</th><th>Group</th><th>Waiting</th><th>Running</th><th>Now</th></tr></thead><tbody>${groups}</tbody></table>` : ''}
</section>`;
}

function describeLimits(limits: FlowLimits | undefined): string {
  if (!limits) return 'none (lanes only)';
  const parts: string[] = [];
  if (limits.rate) parts.push(`${limits.rate.max} per ${limits.rate.perMs} ms`);
  if (limits.concurrency !== undefined) parts.push(`${limits.concurrency} at once`);
  if (limits.groupConcurrency !== undefined) parts.push(`${limits.groupConcurrency} at once per group`);
  if (limits.groupRate) parts.push(`${limits.groupRate.max} per ${limits.groupRate.perMs} ms per group`);
  return parts.length ? parts.join(', ') : 'none (groups take turns)';
}
