import { Inject, type Type } from '@nestjs/common';
import { getProducerToken } from '../module/jobs.tokens.js';
import { declareJobClass } from '../producer/declared-job-classes.js';
import { noteInjectedProducer } from './jobs-metadata.js';

/** Injects `Producer<T>` for the `@Job` methods of class `T`. */
export function InjectProducer(jobsClass: Type): PropertyDecorator & ParameterDecorator {
  if (typeof jobsClass !== 'function') {
    throw new TypeError(`@InjectProducer expects a class with @Job methods (got ${String(jobsClass)}); check for a circular import.`);
  }
  declareJobClass(jobsClass);
  const inject = Inject(getProducerToken(jobsClass));
  return (target: object, key: string | symbol | undefined, index?: number) => {
    // A constructor parameter's target is the class itself; a property's is its prototype.
    noteInjectedProducer(typeof target === 'function' ? (target as Type) : (target.constructor as Type), jobsClass);
    (inject as (target: object, key: string | symbol | undefined, index?: number) => void)(target, key, index);
  };
}
