import type { EnqueueOptions } from '../interfaces/job-options.interface.js';
import type { EnqueueService } from './enqueue.service.js';
import type { JobHandle } from './job-handle.interface.js';
import type { EnqueueArgs, EnqueueItem, JobKey, JobResult, Producer, ScheduleArgs } from './producer.interface.js';
import type { RuntimeScheduleService } from './runtime-schedule.service.js';

/** The `Producer<T>` handed out by `@InjectProducer(T)`. */
export class JobProducer<T> implements Producer<T> {
  constructor(
    private readonly classRef: abstract new (...args: never[]) => T,
    private readonly service: EnqueueService,
    private readonly schedules: RuntimeScheduleService,
  ) {}

  async enqueue<K extends JobKey<T>>(job: K, ...args: EnqueueArgs<T, K>): Promise<JobHandle<JobResult<T, K>>> {
    const [payload, options] = args as [unknown, EnqueueOptions | undefined];
    const [handle] = await this.service.enqueue(this.classRef, [{ job, payload, options }]);
    return handle as JobHandle<JobResult<T, K>>;
  }

  async enqueueMany<const I extends readonly EnqueueItem<T>[]>(
    items: I,
  ): Promise<{ -readonly [P in keyof I]: JobHandle<never> }> {
    const handles = await this.service.enqueue(this.classRef, items);
    return handles as { -readonly [P in keyof I]: JobHandle<never> };
  }

  schedule<K extends JobKey<T>>(name: string, job: K, ...args: ScheduleArgs<T, K>): Promise<void> {
    const [payload, options] = args;
    return this.schedules.schedule(this.classRef, name, job, payload, options);
  }

  unschedule(name: string): Promise<boolean> {
    return this.schedules.remove(name, `Producer<${this.classRef.name}>.unschedule(${JSON.stringify(name)})`);
  }
}
