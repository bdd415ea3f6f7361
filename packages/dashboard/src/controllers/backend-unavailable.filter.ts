import { Catch, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DriverUnavailableError } from '@nest-jobs/core';
import { setSecurityHeaders, type DashboardResponse } from '../http/http-response.js';
import { unavailablePage, RETRY_SECONDS } from '../views/unavailable.view.js';

/**
 * The backend is down (e.g. `RedisUnavailableError`): a page that says so and
 * reloads itself until it answers, instead of Nest's JSON 500. The live
 * script's in-place refresh gets the message as text; actions get it as JSON.
 */
@Catch(DriverUnavailableError)
export class BackendUnavailableFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: DriverUnavailableError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ method: string; query?: Record<string, unknown> }>();
    const response = http.getResponse<DashboardResponse>();
    const adapter = this.adapterHost.httpAdapter;
    const status = HttpStatus.SERVICE_UNAVAILABLE;
    setSecurityHeaders(response);
    response.header('Retry-After', String(RETRY_SECONDS));
    if (request.method !== 'GET') {
      adapter.reply(response, { statusCode: status, error: 'Service Unavailable', message: error.message }, status);
      return;
    }
    const partial = request.query?.partial === '1';
    response.header('Content-Type', partial ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8');
    adapter.reply(response, partial ? `${error.message} Retrying…` : unavailablePage(error.message).value, status);
  }
}
