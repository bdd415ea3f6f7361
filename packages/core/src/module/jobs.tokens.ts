import type { Type } from '@nestjs/common';

/** The `QueueDriver` the module runs on. */
export const JOBS_DRIVER = Symbol('nest-jobs:driver');

/**
 * One symbol per class, remembered by identity (a memo, not app state): two
 * different classes that share a name, common in test files, get distinct
 * producers instead of clashing.
 */
const producerTokens = new WeakMap<Type, symbol>();

/** Injection token of `Producer<T>` for a class of job handlers. */
export function getProducerToken(jobsClass: Type): symbol {
  let token = producerTokens.get(jobsClass);
  if (!token) producerTokens.set(jobsClass, (token = Symbol(`nest-jobs:producer:${jobsClass.name}`)));
  return token;
}
