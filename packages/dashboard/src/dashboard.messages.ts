export const dashboardMessages = {
  noAuth: (path: string) =>
    `JobsDashboardModule.forRoot({ path: '${path}' }): refusing to mount the dashboard without authentication. ` +
    `Pass guard (a Nest guard) or auth ({ username, password } or a function), ` +
    `or public: true if the app is only reachable by trusted operators.`,
  badPath: (path: unknown) =>
    `JobsDashboardModule.forRoot: path must start with "/" and contain only letters, digits and - . _ ~ / (got ${JSON.stringify(path)}).`,
  badChartMinutes: (value: unknown) => `JobsDashboardModule.forRoot: chartMinutes must be an integer from 1 to 60 (got ${JSON.stringify(value)}).`,
  badAuth: () => 'JobsDashboardModule.forRoot: auth must be { username, password } with non-empty strings, or a function.',
  csrf: () => 'Missing or invalid CSRF token: reload the dashboard page and try again.',
  crossSite: () => 'Cross-site requests to the dashboard are refused.',
  readOnly: () => 'The dashboard is mounted read-only (readOnly: true).',
  pageSize: (max: number, got: string) => `size must be an integer from 1 to ${max} (got "${got}").`,
  page: (max: number, got: string) => `page must be an integer from 1 to ${max} (got "${got}").`,
  state: (states: readonly string[], got: string) => `state must be one of ${states.join(', ')} (got "${got}").`,
};
