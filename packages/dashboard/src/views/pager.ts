import { html, type SafeHtml } from '../render/html.js';
import type { Paging } from '../paging.js';

/** Previous/next links; `hasMore` when the page came back full. */
export function pager(href: (page: number) => string, paging: Paging, total: number | undefined, hasMore: boolean): SafeHtml {
  const pages = total === undefined ? undefined : Math.max(1, Math.ceil(total / paging.size));
  return html`<nav class="pager">
  ${paging.page > 1 ? html`<a href="${href(paging.page - 1)}" rel="prev">← Previous</a>` : ''}
  <span>Page ${paging.page}${pages === undefined ? '' : ` of ${pages}`}</span>
  ${hasMore ? html`<a href="${href(paging.page + 1)}" rel="next">Next →</a>` : ''}
</nav>`;
}
