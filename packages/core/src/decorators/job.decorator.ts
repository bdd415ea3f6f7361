import type { JobDecoratorOptions } from '../interfaces/job-options.interface.js';
import { declareHandler, isMethodTarget } from './jobs-metadata.js';

/**
 * Marks a provider method as a job handler: `handler(payload, ctx)`.
 * Producers enqueue it by method name: `producer.enqueue('sendEmail', payload)`.
 */
export function Job(options: JobDecoratorOptions = {}): MethodDecorator {
  return (target, methodKey, descriptor) => {
    declareHandler(target, { kind: 'job', methodKey, isMethod: isMethodTarget(target, methodKey, descriptor), options });
  };
}
