import type { Provider, Type } from '@nestjs/common';
import { EnqueueService } from '../producer/enqueue.service.js';
import { JobProducer } from '../producer/job-producer.js';
import { RuntimeScheduleService } from '../producer/runtime-schedule.service.js';
import { getProducerToken } from './jobs.tokens.js';

/** One `Producer<T>` provider per job class. */
export function producerProviders(classes: Type[]): Array<Provider & { provide: symbol }> {
  return [...new Set(classes)].map((classRef) => ({
    provide: getProducerToken(classRef),
    useFactory: (service: EnqueueService, schedules: RuntimeScheduleService) => new JobProducer(classRef, service, schedules),
    inject: [EnqueueService, RuntimeScheduleService],
  }));
}
