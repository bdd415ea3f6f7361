import { Inject, type Type } from '@nestjs/common';
import { getProducerToken } from '../module/jobs.tokens.js';
import { declareJobClass } from '../producer/declared-job-classes.js';

/** Injects `Producer<T>` for the `@Job` methods of class `T`. */
export function InjectProducer(jobsClass: Type): PropertyDecorator & ParameterDecorator {
  if (typeof jobsClass !== 'function') {
    throw new TypeError(`@InjectProducer expects a class with @Job methods (got ${String(jobsClass)}); check for a circular import.`);
  }
  declareJobClass(jobsClass);
  return Inject(getProducerToken(jobsClass));
}
