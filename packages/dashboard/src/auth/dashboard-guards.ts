import type { CanActivate, Type } from '@nestjs/common';
import type { JobsDashboardOptions } from '../dashboard-options.interface.js';
import { AuthFunctionGuard } from './auth-function.guard.js';
import { BasicAuthGuard } from './basic-auth.guard.js';

/** The guards every dashboard route runs, in order: the user's guard, then `auth`. */
export function dashboardGuards(options: JobsDashboardOptions): Array<CanActivate | Type<CanActivate>> {
  const guards: Array<CanActivate | Type<CanActivate>> = [];
  if (options.guard) guards.push(options.guard);
  if (typeof options.auth === 'function') guards.push(new AuthFunctionGuard(options.auth));
  else if (options.auth) guards.push(new BasicAuthGuard(options.auth));
  return guards;
}
