import type { ScheduleInfo } from '@nest-jobs/core';
import { formatDate, formatEvery, wrappableName } from '../render/format.js';
import { html, segment } from '../render/html.js';
import { actionButton } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';

export function schedulesView(context: PageContext, schedules: ScheduleInfo[]): PageView {
  const rows = schedules.map((schedule) => {
    const base = `/schedules/${segment(schedule.name)}`;
    return html`<tr data-schedule-row="${schedule.name}">
  <td class="job-name">${wrappableName(schedule.name)}</td>
  <td><a href="${context.base}/queues/${segment(schedule.queue)}">${schedule.queue}</a></td>
  <td><code>${schedule.expression ?? (schedule.every !== undefined ? formatEvery(schedule.every) : '')}</code></td>
  <td>${schedule.timezone ?? '—'}</td>
  <td>${schedule.paused ? html`<span class="badge paused">paused</span>` : formatDate(schedule.nextRunAt)}</td>
  <td>${formatDate(schedule.lastRunAt)}${schedule.lastRunState ? html` <span class="state state-${schedule.lastRunState}">${schedule.lastRunState}</span>` : ''}</td>
  <td class="actions">${schedule.paused ? actionButton(context, `${base}/resume`, 'Resume') : actionButton(context, `${base}/pause`, 'Pause')}${actionButton(context, `${base}/trigger`, 'Run now')}</td>
</tr>`;
  });
  const live = html`<table class="schedules">
  <thead><tr><th>Name</th><th>Queue</th><th>Expression</th><th>Timezone</th><th>Next run</th><th>Last run</th><th></th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="7">No schedules.</td></tr>`}</tbody>
</table>`;
  return { kind: 'schedules', heading: 'Schedules', live };
}
