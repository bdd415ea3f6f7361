export { JobsDashboardModule } from './dashboard.module.js';
export type {
  JobsDashboardOptions,
  DashboardBasicAuth,
  DashboardAuthFunction,
  DashboardRequest,
} from './dashboard-options.interface.js';
export { BasicAuthGuard } from './auth/basic-auth.guard.js';
export { escapeHtml } from './render/html.js';
export { MAX_PAGE_SIZE } from './paging.js';
