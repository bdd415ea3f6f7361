import type { Type } from '@nestjs/common';
import type { JobEventType } from '../driver/driver-event.js';
import { isMethodTarget } from './jobs-metadata.js';

/** Class metadata: every `@OnJobEvent` method declared on the class. */
export const JOB_EVENT_LISTENERS_METADATA = Symbol('nest-jobs:job-event-listeners');

/** Which events an `@OnJobEvent` method receives. */
export interface OnJobEventOptions {
  /** Only events of this stored job name, e.g. `'EmailJobs.sendEmail'`. */
  job?: string;
  /** Only events of this queue. */
  queue?: string;
}

export interface JobEventListenerDeclaration {
  methodKey: string | symbol;
  isMethod: boolean;
  /** Event types, or `'*'` for all. */
  types: ReadonlyArray<JobEventType | '*'>;
  options: OnJobEventOptions;
}

/**
 * Calls the provider method with each matching `JobEvent`, from every process on the
 * driver (`'*'`: every type). Discovered at bootstrap like `@Job`; a listener that
 * throws or rejects is logged and does not stop the others.
 */
export function OnJobEvent(type: JobEventType | '*' | ReadonlyArray<JobEventType | '*'>, options: OnJobEventOptions = {}): MethodDecorator {
  return (target, methodKey, descriptor) => {
    const owner = target.constructor as Type;
    const declared = (Reflect.getMetadata(JOB_EVENT_LISTENERS_METADATA, owner) as JobEventListenerDeclaration[] | undefined) ?? [];
    const types = typeof type === 'string' ? [type] : [...type];
    Reflect.defineMetadata(JOB_EVENT_LISTENERS_METADATA, [...declared, { methodKey, isMethod: isMethodTarget(target, methodKey, descriptor), types, options }], owner);
  };
}
