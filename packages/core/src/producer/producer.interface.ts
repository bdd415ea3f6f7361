import type { EnqueueOptions } from '../interfaces/job-options.interface.js';
import type { JobHandle } from './job-handle.interface.js';

type AnyMethod = (...args: never[]) => unknown;

/** Method names of `T`: the keys a `Producer<T>` accepts. */
export type JobKey<T> = {
  [K in keyof T & string]: T[K] extends AnyMethod ? K : never;
}[keyof T & string];

/** The payload type of job `K`: the method's first parameter (`void` when it takes none). */
export type JobPayload<T, K extends JobKey<T>> = T[K] extends (...args: infer A) => unknown
  ? A extends [] ? void : A[0]
  : never;

/** The arguments after the job key: the payload may be left out when the handler takes none. */
export type EnqueueArgs<T, K extends JobKey<T>> = [JobPayload<T, K>] extends [void]
  ? [payload?: JobPayload<T, K>, options?: EnqueueOptions]
  : [payload: JobPayload<T, K>, options?: EnqueueOptions];

/** What job `K` resolves with. */
export type JobResult<T, K extends JobKey<T>> = T[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** One item of `enqueueMany`, typed per job key. */
export type EnqueueItem<T> = {
  [K in JobKey<T>]: [JobPayload<T, K>] extends [void]
    ? { job: K; payload?: JobPayload<T, K>; options?: EnqueueOptions }
    : { job: K; payload: JobPayload<T, K>; options?: EnqueueOptions };
}[JobKey<T>];

type ItemResult<T, I> = I extends { job: infer K extends JobKey<T> } ? JobResult<T, K> : never;

/**
 * Enqueues the `@Job` methods of class `T`, type-checked against each method's
 * payload parameter and return type. Inject with `@InjectProducer(T)`.
 */
export interface Producer<T> {
  enqueue<K extends JobKey<T>>(job: K, ...args: EnqueueArgs<T, K>): Promise<JobHandle<JobResult<T, K>>>;
  /** Many jobs in one round trip; handles in input order. */
  enqueueMany<const I extends readonly EnqueueItem<T>[]>(items: I): Promise<{ -readonly [P in keyof I]: JobHandle<ItemResult<T, I[P]>> }>;
}
