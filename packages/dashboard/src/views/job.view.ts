import type { JobInfo } from '@nest-jobs/core';
import { formatDate, formatJson, progressPercent, wrappableName } from '../render/format.js';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import { dependencyList } from './dependency-list.js';
import type { PageContext, PageView } from '../render/page-context.js';

/** States a job can be cancelled from. */
const CANCELLABLE: ReadonlySet<string> = new Set(['blocked', 'waiting', 'delayed', 'active']);

export function jobView(context: PageContext, job: JobInfo): PageView {
  const href = `/queues/${segment(job.queue)}/jobs/${segment(job.id)}`;
  const percent = progressPercent(job.progress);
  const errors = [...job.errors].reverse().map(
    (error) => html`<li class="attempt-error">
  <p><strong>Try ${error.attempt}</strong> at ${formatDate(error.at)}: <span class="error-name">${error.name ?? 'Error'}</span>: <span class="error-message">${error.message}</span></p>
  ${error.stack ? html`<pre class="stack">${error.stack}</pre>` : ''}
</li>`,
  );
  const live = html`<dl class="job-fields">
  <dt>Queue</dt><dd><a href="${context.base}/queues/${segment(job.queue)}">${job.queue}</a></dd>
  <dt>Name</dt><dd class="job-name">${wrappableName(job.name)}</dd>
  <dt>State</dt><dd><span class="state state-${job.state}" data-state="${job.state}">${job.state}</span></dd>
  <dt>Try</dt><dd>${job.attempt} of ${job.maxAttempts}</dd>
  <dt>Priority</dt><dd>${job.priority}</dd>
  <dt>Enqueued</dt><dd>${formatDate(job.enqueuedAt)}</dd>
  <dt>Runs at</dt><dd>${formatDate(job.runAt)}</dd>
  <dt>Started</dt><dd>${formatDate(job.startedAt)}</dd>
  <dt>Finished</dt><dd>${formatDate(job.finishedAt)}</dd>
  ${job.scheduledFor ? html`<dt>Scheduled for</dt><dd>${formatDate(job.scheduledFor)}</dd>` : ''}
  ${job.group !== undefined ? html`<dt>Group</dt><dd class="job-group">${job.group}</dd>` : ''}
  ${job.expireAt ? html`<dt>Expires</dt><dd>${formatDate(job.expireAt)} (if still waiting)</dd>` : ''}
  ${job.waitingReason ? html`<dt>Waiting because</dt><dd class="waiting-reason">${job.waitingReason}</dd>` : ''}
  <dt>Progress</dt><dd>${percent !== undefined ? html`<progress max="100" value="${percent}">${percent}%</progress> ${percent}%` : html`<code>${formatJson(job.progress)}</code>`}</dd>
</dl>
<div class="actions">${job.state === 'dead' ? actionButton(context, `${href}/retry`, 'Retry') : ''}${CANCELLABLE.has(job.state) ? actionButton(context, `${href}/cancel`, 'Cancel', { confirm: `Cancel job ${job.id}?`, danger: true }) : ''}${actionButton(context, `${href}/remove`, 'Remove', { confirm: `Remove job ${job.id}?`, danger: true })}</div>
${job.dependencies ? dependencyList(context, job) : ''}
<h2>Payload</h2>
<pre class="payload">${formatJson(job.payload)}</pre>
<h2>Result</h2>
<pre class="result">${formatJson(job.result)}</pre>
<h2>Failed tries (${job.errors.length})</h2>
${errors.length ? html`<ol class="errors" reversed>${errors}</ol>` : html`<p class="empty">None.</p>`}`;
  return { kind: 'job', heading: `Job ${job.id}`, queue: job.queue, jobId: job.id, live };
}
