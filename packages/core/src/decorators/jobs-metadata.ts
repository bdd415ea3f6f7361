import type { Type } from '@nestjs/common';
import { declareJobClass } from '../producer/declared-job-classes.js';
import type { JobDecoratorOptions, ScheduleOptions } from '../interfaces/job-options.interface.js';

/** Class metadata: every job/schedule handler declared on the class. */
export const JOBS_HANDLERS_METADATA = Symbol('nest-jobs:handlers');

/** Class metadata: the job classes whose `Producer<T>` the class injects with `@InjectProducer`. */
export const INJECTED_PRODUCERS_METADATA = Symbol('nest-jobs:injected-producers');

export type HandlerDeclaration =
  | { kind: 'job'; methodKey: string | symbol; isMethod: boolean; options: JobDecoratorOptions }
  | { kind: 'cron'; methodKey: string | symbol; isMethod: boolean; expression: string; options: ScheduleOptions }
  | { kind: 'every'; methodKey: string | symbol; isMethod: boolean; interval: number | string; options: ScheduleOptions };

/** Appends a declaration to the class, without touching a parent class's list. */
export function declareHandler(target: object, declaration: HandlerDeclaration): void {
  const owner = target.constructor as Type;
  declareJobClass(owner);
  const inherited = (Reflect.getMetadata(JOBS_HANDLERS_METADATA, owner) as HandlerDeclaration[] | undefined) ?? [];
  Reflect.defineMetadata(JOBS_HANDLERS_METADATA, [...inherited, declaration], owner);
}

/** True when a function value sits under the decorated key (decorating a property is a mistake). */
export function isMethodTarget(target: object, key: string | symbol, descriptor?: PropertyDescriptor): boolean {
  const value: unknown = descriptor ? (descriptor.value as unknown) : (target as Record<string | symbol, unknown>)[key];
  return typeof value === 'function';
}

/** Records that `host` injects `Producer<jobsClass>`, so bootstrap can check that jobsClass is provided. */
export function noteInjectedProducer(host: Type, jobsClass: Type): void {
  // Starts from the inherited list (like declareHandler) so a subclass keeps its parent's injections.
  const known = (Reflect.getMetadata(INJECTED_PRODUCERS_METADATA, host) as Type[] | undefined) ?? [];
  Reflect.defineMetadata(INJECTED_PRODUCERS_METADATA, [...known, jobsClass], host);
}

/** The job classes `host` (or a parent class) injects producers of. */
export function injectedProducersOf(host: abstract new (...args: never[]) => unknown): Type[] {
  return (Reflect.getMetadata(INJECTED_PRODUCERS_METADATA, host) as Type[] | undefined) ?? [];
}
