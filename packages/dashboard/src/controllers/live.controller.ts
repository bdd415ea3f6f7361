import { Controller, Get, Inject, NotFoundException, Param, Res, Sse } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { readAsset } from '../assets.js';
import { setSecurityHeaders, type DashboardResponse } from '../http/http-response.js';
import type { SseMessage } from '../live/event-batches.js';
import { LiveStreams } from '../live/live-streams.js';

/** Live updates as Server-Sent Events, and the page's own script and stylesheet. */
@Controller()
export class DashboardLiveController {
  constructor(@Inject(LiveStreams) private readonly streams: LiveStreams) {}

  @Sse('events')
  stream(): Observable<SseMessage> {
    return this.streams.open();
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
