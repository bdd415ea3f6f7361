import type { Provider, Type } from '@nestjs/common';
import { EnqueueService } from '../producer/enqueue.service.js';
import { JobProducer } from '../producer/job-producer.js';
import { getProducerToken } from './jobs.tokens.js';

/** One `Producer<T>` provider per class; tokens are unique by class name, so a clash is reported. */
export function producerProviders(classes: Type[]): Provider[] {
  const byToken = new Map<string, Type>();
  for (const classRef of classes) {
    const token = getProducerToken(classRef);
    const other = byToken.get(token);
    if (other && other !== classRef) {
      throw new Error(`Two different job classes are named "${classRef.name}": rename one, producers are keyed by class name.`);
    }
    byToken.set(token, classRef);
  }
  return [...byToken].map(([token, classRef]) => ({
    provide: token,
    useFactory: (service: EnqueueService) => new JobProducer(classRef, service),
    inject: [EnqueueService],
  }));
}
