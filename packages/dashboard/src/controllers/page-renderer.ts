import { Inject, Injectable } from '@nestjs/common';
import { ensureCsrfToken } from '../csrf/csrf-token.js';
import type { DashboardRequest, ResolvedDashboardOptions } from '../dashboard-options.interface.js';
import { DASHBOARD_OPTIONS } from '../dashboard.tokens.js';
import { setSecurityHeaders, type DashboardResponse } from '../http/http-response.js';
import { layout } from '../render/layout.js';
import type { PageContext, PageView } from '../render/page-context.js';

/** Turns a view into the response: whole page, or only its live part for `?partial=1`. */
@Injectable()
export class PageRenderer {
  constructor(@Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions) {}

  context(request: DashboardRequest, response: DashboardResponse): PageContext {
    setSecurityHeaders(response);
    return {
      base: this.options.path,
      title: this.options.title,
      readOnly: this.options.readOnly,
      csrfToken: ensureCsrfToken(request, response, this.options.path),
    };
  }

  render(context: PageContext, view: PageView, partial: string | undefined): string {
    return partial === '1' ? view.live.value : layout(context, view).value;
  }
}
