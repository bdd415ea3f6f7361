import type { JobInfo } from '@nest-jobs/core';
import { formatDate, wrappableName } from '../render/format.js';
import { html, segment, type SafeHtml } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext } from '../render/page-context.js';

/** Jobs as table rows; dead jobs show their last error and retry/remove buttons. */
export function jobTable(context: PageContext, jobs: JobInfo[]): SafeHtml {
  if (!jobs.length) return html`<p class="empty">No jobs here.</p>`;
  const rows = jobs.map((job) => {
    const href = `/queues/${segment(job.queue)}/jobs/${segment(job.id)}`;
    const lastError = job.errors.at(-1);
    return html`<tr data-job-row="${job.id}">
  <td><a href="${context.base}${href}">${job.id}</a></td>
  <td class="job-name">${wrappableName(job.name)}</td>
  <td class="num">${job.attempt}/${job.maxAttempts}</td>
  <td>${formatDate(job.enqueuedAt)}</td>
  <td>${formatDate(job.finishedAt ?? job.startedAt ?? job.runAt)}</td>
  <td class="error-cell">${lastError ? lastError.message : ''}</td>
  <td class="actions">${job.state === 'dead' ? actionButton(context, `${href}/retry`, 'Retry') : ''}${actionButton(context, `${href}/remove`, 'Remove', { confirm: `Remove job ${job.id}?`, danger: true })}</td>
</tr>`;
  });
  return html`<table class="jobs">
  <thead><tr><th>Id</th><th>Name</th><th class="num">Try</th><th>Enqueued</th><th>Last change</th><th>Last error</th><th></th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
}
