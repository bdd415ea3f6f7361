import { Module, type DynamicModule } from '@nestjs/common';
import { dashboardGuards } from './auth/dashboard-guards.js';
import { DashboardActionsController } from './controllers/actions.controller.js';
import { DashboardLiveController } from './controllers/live.controller.js';
import { PageRenderer } from './controllers/page-renderer.js';
import { DashboardPagesController } from './controllers/pages.controller.js';
import { DashboardActionGuard } from './csrf/dashboard-action.guard.js';
import type { JobsDashboardOptions } from './dashboard-options.interface.js';
import { DASHBOARD_OPTIONS } from './dashboard.tokens.js';
import { LiveStreams } from './live/live-streams.js';
import { ThroughputTracker } from './live/throughput.tracker.js';
import { mountController } from './mount-controller.js';
import { resolveDashboardOptions } from './resolve-options.js';

/**
 * The nest-jobs web UI, mounted in your app. Needs `JobsModule.forRoot` in the
 * same app; reads and acts only through `JobsAdmin` and `JobEvents`.
 *
 * ```ts
 * JobsDashboardModule.forRoot({ path: '/jobs', guard: AdminGuard })
 * ```
 */
@Module({})
export class JobsDashboardModule {
  static forRoot(options: JobsDashboardOptions): DynamicModule {
    const resolved = resolveDashboardOptions(options);
    const guards = dashboardGuards(options);
    const mount = resolved.path || '/';
    return {
      module: JobsDashboardModule,
      controllers: [
        mountController(DashboardLiveController, mount, guards),
        mountController(DashboardActionsController, mount, [...guards, DashboardActionGuard]),
        mountController(DashboardPagesController, mount, guards),
      ],
      providers: [
        { provide: DASHBOARD_OPTIONS, useValue: resolved },
        ThroughputTracker,
        LiveStreams,
        PageRenderer,
        DashboardActionGuard,
      ],
    };
  }
}
