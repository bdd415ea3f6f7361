import type { ScheduleOptions } from '../interfaces/job-options.interface.js';
import { declareHandler, isMethodTarget } from './jobs-metadata.js';

/**
 * Runs the method at a fixed rate aligned to the Unix epoch, so every instance
 * computes the same ticks: `@Every('5m')`, `@Every('30s')`, `@Every(60_000)`.
 */
export function Every(interval: number | string, options: ScheduleOptions = {}): MethodDecorator {
  return (target, methodKey, descriptor) => {
    declareHandler(target, {
      kind: 'every',
      methodKey,
      isMethod: isMethodTarget(target, methodKey, descriptor),
      interval,
      options,
    });
  };
}
