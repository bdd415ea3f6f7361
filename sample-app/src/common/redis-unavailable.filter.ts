import { Catch, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RedisUnavailableError } from '@nest-jobs/redis';

/**
 * Redis down while a request enqueues: answer 503 with the driver's message
 * (it says which Redis and which operation) at once, instead of a bare 500.
 * The client may retry; nothing was enqueued.
 */
@Catch(RedisUnavailableError)
export class RedisUnavailableFilter implements ExceptionFilter<RedisUnavailableError> {
  private readonly logger = new Logger('RedisUnavailable');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: RedisUnavailableError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    this.logger.warn(error.message);
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Retry-After', '5');
    httpAdapter.reply(response, { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message: error.message }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
