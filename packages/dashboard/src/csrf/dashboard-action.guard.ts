import { ForbiddenException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { dashboardMessages } from '../dashboard.messages.js';
import type { DashboardRequest, ResolvedDashboardOptions } from '../dashboard-options.interface.js';
import { DASHBOARD_OPTIONS } from '../dashboard.tokens.js';
import { headerValue } from '../http/http-response.js';
import { hasValidCsrfToken } from './csrf-token.js';

/** Every mutating request: not read-only, not cross-site, and carrying the CSRF token. */
@Injectable()
export class DashboardActionGuard implements CanActivate {
  constructor(@Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.options.readOnly) throw new ForbiddenException(dashboardMessages.readOnly());
    const request = context.switchToHttp().getRequest<DashboardRequest>();
    if (headerValue(request, 'sec-fetch-site') === 'cross-site') throw new ForbiddenException(dashboardMessages.crossSite());
    if (!hasValidCsrfToken(request)) throw new ForbiddenException(dashboardMessages.csrf());
    return true;
  }
}
