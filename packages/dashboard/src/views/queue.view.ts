import type { FlowInfo, JobInfo, JobState, QueueInfo } from '@nest-jobs/core';
import { JOB_STATES, type Paging } from '../paging.js';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';
import { jobTable } from './job-table.js';
import { flowPanel } from './flow-panel.js';
import { pager } from './pager.js';

export interface QueuePageData {
  queue: string;
  info: QueueInfo | undefined;
  state: JobState;
  paging: Paging;
  jobs: JobInfo[];
  /** Limits and usage of the queue's limited jobs. */
  flow?: FlowInfo;
  /** Set when an id was looked up and not found. */
  notFound?: string;
}

export function queueView(context: PageContext, data: QueuePageData): PageView {
  const queueHref = `${context.base}/queues/${segment(data.queue)}`;
  const pageHref = (page: number): string => `${queueHref}?state=${data.state}&page=${page}&size=${data.paging.size}`;
  const total = data.info?.counts[data.state];
  const tabs = JOB_STATES.map(
    (state) =>
      html`<a href="${queueHref}?state=${state}" class="tab"${state === data.state ? html` aria-current="true"` : ''}>${state} <span class="count">${data.info?.counts[state] ?? 0}</span></a>`,
  );
  const top = html`<form method="get" action="${queueHref}" class="lookup">
  <label>Job id <input name="id" required autocomplete="off"></label> <button type="submit">Open</button>
</form>`;
  const bulk =
    data.state === 'dead' && data.jobs.length
      ? html`<div class="bulk">${actionButton(context, `/queues/${segment(data.queue)}/dead/retry-all`, 'Retry all dead')}${actionButton(context, `/queues/${segment(data.queue)}/dead/remove-all`, 'Remove all dead', { confirm: `Remove every dead job of ${data.queue}?`, danger: true })}</div>`
      : '';
  const live = html`${data.notFound !== undefined ? html`<p class="warning">No job with id “${data.notFound}” in ${data.queue}.</p>` : ''}
<p>${data.info?.paused ? html`<span class="badge paused">paused</span> ` : ''}${data.info?.paused ? actionButton(context, `/queues/${segment(data.queue)}/resume`, 'Resume queue') : actionButton(context, `/queues/${segment(data.queue)}/pause`, 'Pause queue')}</p>
<nav class="tabs">${tabs}</nav>
${bulk}
${jobTable(context, data.jobs)}
${pager(pageHref, data.paging, total, data.jobs.length === data.paging.size)}
${flowPanel(data.flow, Date.now())}`;
  return { kind: 'queue', heading: `Queue ${data.queue}`, queue: data.queue, top, live };
}
