import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { DashboardAuthFunction, DashboardRequest } from '../dashboard-options.interface.js';

/** Runs the user's `auth` function; false becomes 403. */
export class AuthFunctionGuard implements CanActivate {
  constructor(private readonly check: DashboardAuthFunction) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    return (await this.check(context.switchToHttp().getRequest<DashboardRequest>())) === true;
  }
}
