import type { ScheduleOptions } from '../interfaces/job-options.interface.js';
import { declareHandler, isMethodTarget } from './jobs-metadata.js';

/**
 * Runs the method on a cron schedule (5 fields, or 6 with seconds first), once
 * per tick across all instances: `handler(ctx)`, `ctx.scheduledFor` is the tick.
 */
export function Cron(expression: string, options: ScheduleOptions = {}): MethodDecorator {
  return (target, methodKey, descriptor) => {
    declareHandler(target, {
      kind: 'cron',
      methodKey,
      isMethod: isMethodTarget(target, methodKey, descriptor),
      expression,
      options,
    });
  };
}
