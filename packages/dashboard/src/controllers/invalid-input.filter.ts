import { Catch, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InvalidJobInputError } from '@nest-jobs/core';

/** `JobsAdmin` refusing an input (unknown schedule, bad state) is the caller's mistake: 400, not 500. */
@Catch(InvalidJobInputError)
export class InvalidJobInputFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: InvalidJobInputError, host: ArgumentsHost): void {
    const body = { statusCode: HttpStatus.BAD_REQUEST, error: 'Bad Request', message: error.message };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, HttpStatus.BAD_REQUEST);
  }
}
