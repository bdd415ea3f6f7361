export const DASHBOARD_OPTIONS = Symbol('nest-jobs:dashboard-options');
