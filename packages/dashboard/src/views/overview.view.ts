import type { QueueInfo } from '@nest-jobs/core';
import { throughputChart, type ChartSeries } from '../render/chart.js';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';

const STATES = ['blocked', 'waiting', 'delayed', 'active', 'completed', 'dead', 'expired', 'cancelled'] as const;

export function overviewView(context: PageContext, queues: QueueInfo[], series: ChartSeries): PageView {
  const rows = queues.map(
    (queue) => html`<tr data-queue-row="${queue.name}">
  <td><a href="${context.base}/queues/${segment(queue.name)}">${queue.name}</a>${queue.paused ? html` <span class="badge paused">paused</span>` : ''}</td>
  ${STATES.map((state) => html`<td class="num" data-count="${state}"><a href="${context.base}/queues/${segment(queue.name)}?state=${state}">${queue.counts[state]}</a></td>`)}
  <td>${queue.paused ? actionButton(context, `/queues/${segment(queue.name)}/resume`, 'Resume') : actionButton(context, `/queues/${segment(queue.name)}/pause`, 'Pause')}</td>
</tr>`,
  );
  const live = html`${throughputChart(series)}
<table class="queues">
  <thead><tr><th>Queue</th>${STATES.map((state) => html`<th class="num">${state}</th>`)}<th></th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="10">No queues yet.</td></tr>`}</tbody>
</table>`;
  return { kind: 'overview', heading: 'Queues', live };
}
