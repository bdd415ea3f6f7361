import type { Type } from '@nestjs/common';

/** The `QueueDriver` the module runs on. */
export const JOBS_DRIVER = Symbol('nest-jobs:driver');

/** Injection token of `Producer<T>` for a class of job handlers. */
export function getProducerToken(jobsClass: Type): string {
  return `nest-jobs:producer:${jobsClass.name}`;
}
