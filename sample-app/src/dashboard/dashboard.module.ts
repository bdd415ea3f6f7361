import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { JobsDashboardModule } from '@nest-jobs/dashboard';
import { JobsMetricsModule } from '@nest-jobs/dashboard/metrics';

const logger = new Logger('Dashboard');

/**
 * The jobs dashboard at /jobs and Prometheus metrics at /metrics.
 *
 * DEMO GUARD: HTTP basic auth with one user from DASHBOARD_USER and
 * DASHBOARD_PASSWORD (admin/admin when unset, refused under NODE_ENV=production).
 * A real app passes its own guard instead: `JobsDashboardModule.forRoot({ path, guard: AdminGuard })`.
 */
@Module({})
export class DashboardModule {
  static register(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const username = env.DASHBOARD_USER?.trim() || 'admin';
    const password = env.DASHBOARD_PASSWORD ?? '';
    if (!password && env.NODE_ENV === 'production') {
      throw new Error('DASHBOARD_PASSWORD must be set in production (the admin/admin default is for local development only).');
    }
    if (!password && (env.JOBS_MODE?.trim() || 'all') !== 'worker') {
      logger.warn(`Dashboard at /jobs with the DEMO login ${username} / admin: for local development only. Set DASHBOARD_USER and DASHBOARD_PASSWORD.`);
    }
    return {
      module: DashboardModule,
      imports: [
        JobsDashboardModule.forRoot({ path: '/jobs', auth: { username, password: password || 'admin' } }),
        JobsMetricsModule.forRoot({ path: '/metrics' }),
      ],
    };
  }
}
