import { dashboardMessages } from './dashboard.messages.js';
import type { JobsDashboardOptions, ResolvedDashboardOptions } from './dashboard-options.interface.js';

const PATH = /^\/[A-Za-z0-9\-._~/]*$/;

export function resolveDashboardOptions(options: JobsDashboardOptions): ResolvedDashboardOptions {
  if (typeof options?.path !== 'string' || !PATH.test(options.path) || options.path.includes('//')) {
    throw new Error(dashboardMessages.badPath(options?.path));
  }
  const path = options.path.replace(/\/+$/, '') || '';
  if (!options.guard && !options.auth && options.public !== true) throw new Error(dashboardMessages.noAuth(options.path));
  if (options.auth && typeof options.auth !== 'function') {
    const { username, password } = options.auth;
    if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) throw new Error(dashboardMessages.badAuth());
  }
  const chartMinutes = options.chartMinutes ?? 10;
  if (!Number.isInteger(chartMinutes) || chartMinutes < 1 || chartMinutes > 60) throw new Error(dashboardMessages.badChartMinutes(options.chartMinutes));
  return { path, readOnly: options.readOnly === true, title: options.title ?? 'nest-jobs', chartMinutes };
}
