import { Controller, UseFilters, Get, Header, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { JobsAdmin } from '@nest-jobs/core';
import type { DashboardRequest, ResolvedDashboardOptions } from '../dashboard-options.interface.js';
import { DASHBOARD_OPTIONS } from '../dashboard.tokens.js';
import type { DashboardResponse } from '../http/http-response.js';
import { ThroughputTracker } from '../live/throughput.tracker.js';
import { parsePaging, parseState } from '../paging.js';
import { DEAD_PER_QUEUE, deadView } from '../views/dead.view.js';
import { jobView } from '../views/job.view.js';
import { overviewView } from '../views/overview.view.js';
import { queueView } from '../views/queue.view.js';
import { schedulesView } from '../views/schedules.view.js';
import { BackendUnavailableFilter } from './backend-unavailable.filter.js';
import { InvalidJobInputFilter } from './invalid-input.filter.js';
import { PageRenderer } from './page-renderer.js';

const HTML = 'text/html; charset=utf-8';

/** The dashboard's pages. Mounted at the user's path by `JobsDashboardModule.forRoot`. */
@Controller()
@UseFilters(InvalidJobInputFilter, BackendUnavailableFilter)
export class DashboardPagesController {
  constructor(
    @Inject(JobsAdmin) private readonly admin: JobsAdmin,
    @Inject(ThroughputTracker) private readonly throughput: ThroughputTracker,
    @Inject(PageRenderer) private readonly renderer: PageRenderer,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {}

  @Get()
  @Header('Content-Type', HTML)
  async overview(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: DashboardResponse, @Query('partial') partial?: string): Promise<string> {
    const context = this.renderer.context(request, response);
    const view = overviewView(context, await this.admin.queues(), this.throughput.series(this.options.chartMinutes));
    return this.renderer.render(context, view, partial);
  }

  @Get('queues/:queue')
  @Header('Content-Type', HTML)
  async queue(
    @Req() request: DashboardRequest,
    @Res({ passthrough: true }) response: DashboardResponse,
    @Param('queue') queue: string,
    @Query() query: Record<string, string | undefined>,
  ): Promise<string> {
    const state = parseState(query.state, 'waiting');
    const paging = parsePaging(query.page, query.size);
    const context = this.renderer.context(request, response);
    const lookup = query.id?.trim();
    if (lookup) {
      const job = await this.admin.get(queue, lookup);
      if (job) return this.renderer.render(context, jobView(context, job), query.partial);
    }
    const [queues, jobs, flow] = await Promise.all([
      this.admin.queues(), this.admin.list(queue, state, { offset: paging.offset, limit: paging.size }), this.admin.flow(queue),
    ]);
    const info = queues.find((candidate) => candidate.name === queue);
    const view = queueView(context, { queue, info, state, paging, jobs, flow, notFound: lookup || undefined });
    return this.renderer.render(context, view, query.partial);
  }

  @Get('queues/:queue/jobs/:id')
  @Header('Content-Type', HTML)
  async job(
    @Req() request: DashboardRequest,
    @Res({ passthrough: true }) response: DashboardResponse,
    @Param('queue') queue: string,
    @Param('id') id: string,
    @Query('partial') partial?: string,
  ): Promise<string> {
    const job = await this.admin.get(queue, id);
    if (!job) throw new NotFoundException(`No job with id "${id}" in queue "${queue}".`);
    const context = this.renderer.context(request, response);
    return this.renderer.render(context, jobView(context, job), partial);
  }

  @Get('dead')
  @Header('Content-Type', HTML)
  async dead(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: DashboardResponse, @Query('partial') partial?: string): Promise<string> {
    const context = this.renderer.context(request, response);
    const queues = (await this.admin.queues()).filter((queue) => queue.counts.dead > 0);
    const sections = await Promise.all(
      queues.map(async (queue) => ({ queue, jobs: await this.admin.list(queue.name, 'dead', { offset: 0, limit: DEAD_PER_QUEUE }) })),
    );
    return this.renderer.render(context, deadView(context, sections), partial);
  }

  @Get('schedules')
  @Header('Content-Type', HTML)
  async schedules(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: DashboardResponse, @Query('partial') partial?: string): Promise<string> {
    const context = this.renderer.context(request, response);
    return this.renderer.render(context, schedulesView(context, await this.admin.schedules()), partial);
  }
}
