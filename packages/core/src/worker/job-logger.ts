import { Logger, type LoggerService } from '@nestjs/common';

/** A Nest logger whose every line starts with the job's id, name and attempt, and its trace id when traced. */
export class JobLogger implements LoggerService {
  private readonly logger: Logger;
  private readonly prefix: string;

  constructor(name: string, id: string, attempt: number, maxAttempts: number, traceId?: string) {
    this.logger = new Logger(name);
    this.prefix = `[job ${id} attempt ${attempt}/${maxAttempts}${traceId === undefined ? '' : ` trace ${traceId}`}] `;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.logger.log(this.tag(message), ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error(this.tag(message), ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn(this.tag(message), ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug(this.tag(message), ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.verbose(this.tag(message), ...rest);
  }

  private tag(message: unknown): unknown {
    return typeof message === 'string' ? this.prefix + message : message;
  }
}
