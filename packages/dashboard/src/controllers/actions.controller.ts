import { Controller, UseFilters, HttpCode, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { JobsAdmin } from '@nest-jobs/core';
import type { DashboardRequest, ResolvedDashboardOptions } from '../dashboard-options.interface.js';
import { DASHBOARD_OPTIONS } from '../dashboard.tokens.js';
import { headerValue, setSecurityHeaders, type DashboardResponse } from '../http/http-response.js';
import { segment } from '../render/html.js';
import { BackendUnavailableFilter } from './backend-unavailable.filter.js';
import { InvalidJobInputFilter } from './invalid-input.filter.js';

/** Outcome of an action, as JSON for the page script. */
export interface ActionResult {
  ok: boolean;
  message: string;
}

/**
 * Mutating routes: POST only; mounted behind the auth guards, then `DashboardActionGuard` (CSRF, read-only). A form
 * post (no JavaScript) is answered with 303 to the page it concerns.
 */
@Controller()
@UseFilters(InvalidJobInputFilter, BackendUnavailableFilter)
export class DashboardActionsController {
  constructor(
    @Inject(JobsAdmin) private readonly admin: JobsAdmin,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {}

  @Post('queues/:queue/pause')
  @HttpCode(200)
  async pause(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('queue') queue: string): Promise<ActionResult | string> {
    await this.admin.pause(queue);
    return this.done(req, res, '/', `Paused queue ${queue}.`);
  }

  @Post('queues/:queue/resume')
  @HttpCode(200)
  async resume(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('queue') queue: string): Promise<ActionResult | string> {
    await this.admin.resume(queue);
    return this.done(req, res, '/', `Resumed queue ${queue}.`);
  }

  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(200)
  async retry(
    @Req() req: DashboardRequest,
    @Res({ passthrough: true }) res: DashboardResponse,
    @Param('queue') queue: string,
    @Param('id') id: string,
  ): Promise<ActionResult | string> {
    const retried = await this.admin.retry(queue, id);
    return this.done(req, res, `/queues/${segment(queue)}/jobs/${segment(id)}`, retried ? `Job ${id} is waiting again.` : `Job ${id} is not dead: nothing to retry.`, retried);
  }

  @Post('queues/:queue/jobs/:id/cancel')
  @HttpCode(200)
  async cancel(
    @Req() req: DashboardRequest,
    @Res({ passthrough: true }) res: DashboardResponse,
    @Param('queue') queue: string,
    @Param('id') id: string,
  ): Promise<ActionResult | string> {
    const cancelled = await this.admin.cancel(queue, id, 'cancelled from the dashboard');
    return this.done(req, res, `/queues/${segment(queue)}/jobs/${segment(id)}`, cancelled ? `Job ${id} is cancelled.` : `Job ${id} had already ended: nothing to cancel.`, cancelled);
  }

  @Post('queues/:queue/jobs/:id/remove')
  @HttpCode(200)
  async remove(
    @Req() req: DashboardRequest,
    @Res({ passthrough: true }) res: DashboardResponse,
    @Param('queue') queue: string,
    @Param('id') id: string,
  ): Promise<ActionResult | string> {
    if (!(await this.admin.remove(queue, id))) throw new NotFoundException(`No job with id "${id}" in queue "${queue}".`);
    return this.done(req, res, `/queues/${segment(queue)}`, `Removed job ${id}.`);
  }

  @Post('queues/:queue/dead/retry-all')
  @HttpCode(200)
  async retryAllDead(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('queue') queue: string): Promise<ActionResult | string> {
    const count = await this.admin.retryAllDead(queue);
    return this.done(req, res, '/dead', `Retrying ${count} dead job(s) of ${queue}.`);
  }

  @Post('queues/:queue/dead/remove-all')
  @HttpCode(200)
  async removeAllDead(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('queue') queue: string): Promise<ActionResult | string> {
    const count = await this.admin.removeAllDead(queue);
    return this.done(req, res, '/dead', `Removed ${count} dead job(s) of ${queue}.`);
  }

  @Post('schedules/:name/pause')
  @HttpCode(200)
  async pauseSchedule(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('name') name: string): Promise<ActionResult | string> {
    await this.admin.pauseSchedule(name);
    return this.done(req, res, '/schedules', `Paused schedule ${name}.`);
  }

  @Post('schedules/:name/resume')
  @HttpCode(200)
  async resumeSchedule(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('name') name: string): Promise<ActionResult | string> {
    await this.admin.resumeSchedule(name);
    return this.done(req, res, '/schedules', `Resumed schedule ${name}.`);
  }

  @Post('schedules/:name/trigger')
  @HttpCode(200)
  async trigger(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('name') name: string): Promise<ActionResult | string> {
    const handle = await this.admin.trigger(name);
    return this.done(req, res, '/schedules', `Triggered schedule ${name}: job ${handle.id}.`);
  }

  /** Runtime schedules only (`Producer.schedule`); a code schedule's name is refused by JobsAdmin. */
  @Post('schedules/:name/remove')
  @HttpCode(200)
  async removeSchedule(@Req() req: DashboardRequest, @Res({ passthrough: true }) res: DashboardResponse, @Param('name') name: string): Promise<ActionResult | string> {
    const removed = await this.admin.removeSchedule(name);
    return this.done(req, res, '/schedules', removed ? `Removed runtime schedule ${name}.` : `No runtime schedule ${name} to remove.`, removed);
  }

  private done(request: DashboardRequest, response: DashboardResponse, page: string, message: string, ok = true): ActionResult | string {
    setSecurityHeaders(response);
    if ((headerValue(request, 'accept') ?? '').includes('application/json')) return { ok, message };
    response.status(303);
    response.header('Location', `${this.options.path}${page === '/' && this.options.path ? '' : page}`);
    return '';
  }
}
