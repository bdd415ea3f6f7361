import type { JobInfo, QueueInfo } from '@nest-jobs/core';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';
import { jobTable } from './job-table.js';

export const DEAD_PER_QUEUE = 25;

/** Dead jobs of every queue that has some: the newest 25 each, with retry/remove one or all. */
export function deadView(context: PageContext, sections: Array<{ queue: QueueInfo; jobs: JobInfo[] }>): PageView {
  const parts = sections.map(({ queue, jobs }) => {
    const base = `/queues/${segment(queue.name)}`;
    return html`<section class="dead-queue" data-queue-section="${queue.name}">
  <h2><a href="${context.base}${base}?state=dead">${queue.name}</a> <span class="count">${queue.counts.dead} dead</span></h2>
  <div class="bulk">${actionButton(context, `${base}/dead/retry-all`, 'Retry all')}${actionButton(context, `${base}/dead/remove-all`, 'Remove all', { confirm: `Remove every dead job of ${queue.name}?`, danger: true })}</div>
  ${jobTable(context, jobs)}
  ${queue.counts.dead > jobs.length ? html`<p><a href="${context.base}${base}?state=dead&page=2&size=${DEAD_PER_QUEUE}">More…</a></p>` : ''}
</section>`;
  });
  return { kind: 'dead', heading: 'Dead jobs', live: parts.length ? html`${parts}` : html`<p class="empty">No dead jobs.</p>` };
}
