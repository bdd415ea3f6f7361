import type { LoggerService } from '@nestjs/common';

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  context: string | undefined;
  message: string;
}

/** A Nest logger that keeps lines in memory instead of printing them, so tests can read them. */
export class CaptureLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.push('fatal', message, rest);
  }

  /** Lines of one context (e.g. `EmailJobs.sendEmail`) whose message contains `text`. */
  find(context: string, text = ''): LogLine[] {
    return this.lines.filter((line) => line.context === context && line.message.includes(text));
  }

  private push(level: LogLine['level'], message: unknown, rest: unknown[]): void {
    const context = rest.at(-1);
    this.lines.push({ level, context: typeof context === 'string' ? context : undefined, message: String(message) });
  }
}
