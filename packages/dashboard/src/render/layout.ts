import { html, type SafeHtml } from './html.js';
import type { PageContext, PageView } from './page-context.js';

export function layout(context: PageContext, view: PageView): SafeHtml {
  const nav = (href: string, label: string, kind: PageView['kind']) =>
    html`<a href="${context.base}${href}"${view.kind === kind ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="${context.csrfToken}">
  <title>${view.heading} · ${context.title}</title>
  <link rel="stylesheet" href="${context.base}/assets/dashboard.css">
  <script src="${context.base}/assets/dashboard.js" defer></script>
</head>
<body data-base="${context.base}" data-page="${view.kind}" data-queue="${view.queue ?? ''}" data-job="${view.jobId ?? ''}">
  <header>
    <strong class="brand">${context.title}</strong>
    <nav>${nav('/', 'Overview', 'overview')} ${nav('/dead', 'Dead', 'dead')} ${nav('/schedules', 'Schedules', 'schedules')}</nav>
    <span id="live-status" class="live-status" title="Live updates">connecting…</span>
    ${context.readOnly ? html`<span class="badge">read-only</span>` : ''}
  </header>
  <main>
    <h1>${view.heading}</h1>
    <p id="flash" class="flash" role="status" hidden></p>
    ${view.top ?? ''}
    <div id="live">${view.live}</div>
  </main>
</body>
</html>`;
}

/** A POST button with the CSRF token; `confirm` asks before sending. Nothing in read-only mode. */
export function actionButton(context: PageContext, action: string, label: string, options: { confirm?: string; danger?: boolean } = {}): SafeHtml {
  if (context.readOnly) return html``;
  return html`<form method="post" action="${context.base}${action}" class="action"${options.confirm ? html` data-confirm="${options.confirm}"` : ''}>
<input type="hidden" name="_csrf" value="${context.csrfToken}"><button type="submit"${options.danger ? html` class="danger"` : ''}>${label}</button></form>`;
}
