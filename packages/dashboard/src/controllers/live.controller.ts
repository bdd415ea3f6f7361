import { Controller, Get, Inject, NotFoundException, Param, Res, Sse } from '@nestjs/common';
import { JobEvents } from '@nest-jobs/core';
import type { Observable } from 'rxjs';
import { readAsset } from '../assets.js';
import { setSecurityHeaders, type DashboardResponse } from '../http/http-response.js';
import { eventBatches, type SseMessage } from '../live/event-batches.js';

/** Live updates as Server-Sent Events, and the page's own script and stylesheet. */
@Controller()
export class DashboardLiveController {
  constructor(@Inject(JobEvents) private readonly events: JobEvents) {}

  @Sse('events')
  stream(): Observable<SseMessage> {
    return eventBatches(this.events.events$);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) response: DashboardResponse): string {
    const asset = readAsset(file);
    if (!asset) throw new NotFoundException();
    setSecurityHeaders(response);
    response.header('Cache-Control', 'public, max-age=300');
    response.header('Content-Type', asset.contentType);
    return asset.body;
  }
}
