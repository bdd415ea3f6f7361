import type { SafeHtml } from './html.js';

/** What every view needs to know about where and how it is rendered. */
export interface PageContext {
  /** Mount path, e.g. `/jobs` (empty when mounted at `/`). */
  base: string;
  title: string;
  csrfToken: string;
  readOnly: boolean;
}

export type PageKind = 'overview' | 'queue' | 'job' | 'dead' | 'schedules';

/** A rendered page: the static part, and the part refreshed in place on live updates. */
export interface PageView {
  kind: PageKind;
  heading: string;
  /** Data attributes telling the browser script which events concern this page. */
  queue?: string;
  jobId?: string;
  top?: SafeHtml;
  live: SafeHtml;
}
