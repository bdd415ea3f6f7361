import type { ScheduleInfo } from '@nest-jobs/core';
import { formatDate, formatEvery, wrappableName } from '../render/format.js';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';

export function schedulesView(context: PageContext, schedules: ScheduleInfo[]): PageView {
  const rows = schedules.map((schedule) => {
    const base = `/schedules/${segment(schedule.name)}`;
    return html`<tr data-schedule-row="${schedule.name}">
  <td class="job-name">${wrappableName(schedule.name)}${schedule.source === 'runtime' && schedule.job !== schedule.name ? html`<br><small>runs ${wrappableName(schedule.job)}</small>` : ''}${schedule.problem ? html`<br><small class="problem" title="${schedule.problem}">not run here: ${schedule.problem}</small>` : ''}</td>
  <td><span class="badge source-${schedule.source}">${schedule.source}</span></td>
  <td><a href="${context.base}/queues/${segment(schedule.queue)}">${schedule.queue}</a></td>
  <td><code>${schedule.expression ?? (schedule.every !== undefined ? formatEvery(schedule.every) : '')}</code></td>
  <td>${schedule.timezone ?? '—'}</td>
  <td>${schedule.paused ? html`<span class="badge paused">paused</span>` : formatDate(schedule.nextRunAt)}</td>
  <td>${formatDate(schedule.lastRunAt)}${schedule.lastRunState ? html` <span class="state state-${schedule.lastRunState}">${schedule.lastRunState}</span>` : ''}</td>
  <td class="actions">${schedule.paused ? actionButton(context, `${base}/resume`, 'Resume') : actionButton(context, `${base}/pause`, 'Pause')}${schedule.problem ? '' : actionButton(context, `${base}/trigger`, 'Run now')}${schedule.source === 'runtime' ? actionButton(context, `${base}/remove`, 'Remove', { confirm: `Remove the runtime schedule ${schedule.name} from every instance?`, danger: true }) : ''}</td>
</tr>`;
  });
  const live = html`<table class="schedules">
  <thead><tr><th>Name</th><th>Source</th><th>Queue</th><th>Expression</th><th>Timezone</th><th>Next run</th><th>Last run</th><th></th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="8">No schedules.</td></tr>`}</tbody>
</table>`;
  return { kind: 'schedules', heading: 'Schedules', live };
}
