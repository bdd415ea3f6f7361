import type { JobInfo } from '@nest-jobs/core';
import { html, segment, type SafeHtml } from '../render/html.js';
import type { PageContext } from '../render/page-context.js';

/** Dependencies shown in full on a job page; a larger fan-in lists those not completed first, then this many in all. */
const SHOWN = 200;

/** A job's dependencies (enqueued with `dependsOn`) with their states, each linking to its job page. */
export function dependencyList(context: PageContext, job: JobInfo): SafeHtml {
  const all = job.dependencies ?? [];
  const completed = all.filter((dependency) => dependency.state === 'completed').length;
  const shown = all.length <= SHOWN ? all : [...all.filter((dependency) => dependency.state !== 'completed'), ...all.filter((dependency) => dependency.state === 'completed')].slice(0, SHOWN);
  const rows = shown.map((dependency) => html`<tr data-dependency="${dependency.id}">
  <td><a href="${context.base}/queues/${segment(dependency.queue)}/jobs/${segment(dependency.id)}">${dependency.id}</a></td>
  <td>${dependency.queue}</td>
  <td><span class="state state-${dependency.state}" data-state="${dependency.state}">${dependency.state}</span></td>
</tr>`);
  const mode = job.onDependencyFailure === 'ignore' ? 'runs even if one fails' : 'dead if one does not complete';
  return html`<h2>Dependencies (${completed} of ${all.length} completed; ${mode})</h2>
<table class="dependencies">
  <thead><tr><th>Job</th><th>Queue</th><th>State</th></tr></thead>
  <tbody>${rows}</tbody>
</table>${all.length > shown.length ? html`<p class="empty">${all.length - shown.length} more completed dependencies not listed.</p>` : ''}`;
}
