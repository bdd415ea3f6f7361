import type { JobContext } from '../interfaces/job-context.interface.js';
import type { EnqueueOptions } from '../interfaces/job-options.interface.js';
import type { RuntimeScheduleOptions } from '../interfaces/runtime-schedule-options.interface.js';
import type { Jsonified, JsonPayload } from '../interfaces/json.interface.js';
import type { JobHandle } from './job-handle.interface.js';

type AnyMethod = (...args: never[]) => unknown;

/** Nest calls these itself; they are never jobs. */
type LifecycleHook = 'onModuleInit' | 'onApplicationBootstrap' | 'onModuleDestroy' | 'beforeApplicationShutdown' | 'onApplicationShutdown';

/**
 * A method whose first parameter is a JobContext is a schedule (`@Cron`,
 * `@Every`) or a handler declared the wrong way round: a job's payload comes first.
 */
type TakesContextFirst<M> = M extends (first: infer A, ...rest: never[]) => unknown
  ? 0 extends 1 & A ? false : [NonNullable<A>] extends [JobContext] ? [JobContext] extends [NonNullable<A>] ? true : false : false
  : false;

/**
 * Method names of `T`: the keys a `Producer<T>` accepts. Methods taking a
 * JobContext first and Nest lifecycle hooks are left out; a plain helper
 * method cannot be told from a `@Job` handler by its type.
 */
export type JobKey<T> = {
  [K in keyof T & string]: T[K] extends AnyMethod ? K extends LifecycleHook ? never : TakesContextFirst<T[K]> extends true ? never : K : never;
}[keyof T & string];

/** The payload type of job `K`: the method's first parameter (`void` when it takes none). */
export type JobPayload<T, K extends JobKey<T>> = T[K] extends (...args: infer A) => unknown
  ? A extends [] ? void : A[0]
  : never;

/**
 * The arguments after the job key: the payload may be left out when the
 * handler takes none. A payload type JSON cannot carry (Date, Map, a class
 * instance...) is a type error naming what to pass instead.
 */
export type EnqueueArgs<T, K extends JobKey<T>> = [JobPayload<T, K>] extends [void]
  ? [payload?: JsonPayload<JobPayload<T, K>>, options?: EnqueueOptions]
  : [payload: JsonPayload<JobPayload<T, K>>, options?: EnqueueOptions];

/** The arguments of `schedule` after the job key: the payload of each tick (`undefined` for a job that takes none), then when. */
export type ScheduleArgs<T, K extends JobKey<T>> = [JobPayload<T, K>] extends [void]
  ? [payload: undefined, options: RuntimeScheduleOptions]
  : [payload: JsonPayload<JobPayload<T, K>>, options: RuntimeScheduleOptions];

/** What job `K` resolves with, as JSON gives it back (a Date becomes a string). */
export type JobResult<T, K extends JobKey<T>> = T[K] extends (...args: never[]) => infer R ? Jsonified<Awaited<R>> : never;

/** One item of `enqueueMany`, typed per job key. */
export type EnqueueItem<T> = {
  [K in JobKey<T>]: [JobPayload<T, K>] extends [void]
    ? { job: K; payload?: JsonPayload<JobPayload<T, K>>; options?: EnqueueOptions }
    : { job: K; payload: JsonPayload<JobPayload<T, K>>; options?: EnqueueOptions };
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
  /**
   * Creates or replaces (by `name`) a schedule that enqueues job `K` with `payload` on each tick,
   * stored in the driver: every instance runs it, exactly once per tick, as it runs `@Cron`/`@Every`.
   */
  schedule<K extends JobKey<T>>(name: string, job: K, ...args: ScheduleArgs<T, K>): Promise<void>;
  /** Removes the runtime schedule `name` from every instance; false when there is none. */
  unschedule(name: string): Promise<boolean>;
}
