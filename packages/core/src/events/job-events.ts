import { Inject, Injectable } from '@nestjs/common';
import { Observable, filter, share } from 'rxjs';
import type { DriverEvent } from '../driver/driver-event.js';
import type { EventFeed } from '../driver/driver-ports.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { DriverLifecycle } from '../module/driver-lifecycle.js';
import { JOBS_EVENT_FEED } from '../module/driver-roles.tokens.js';
import { fromJsonOrRaw } from '../serialization/json.js';
import { toJobErrorInfo } from '../admin/job-info.mapper.js';

/** Job state changes from every process on the same driver, as an rxjs stream. */
@Injectable()
export class JobEvents {
  /**
   * Hot while subscribed: the driver's feed starts with the first subscriber
   * (or, for one made during bootstrap, once the app has opened the driver)
   * and stops with the last.
   */
  readonly events$: Observable<JobEvent>;

  constructor(@Inject(JOBS_EVENT_FEED) driver: EventFeed, lifecycle: DriverLifecycle) {
    this.events$ = new Observable<JobEvent>((subscriber) => {
      let unsubscribe: (() => void) | undefined;
      let done = false;
      void lifecycle.whenOpen.then(() => {
        if (!done) unsubscribe = driver.subscribe((event) => subscriber.next(toJobEvent(event)));
      });
      return () => {
        done = true;
        unsubscribe?.();
      };
    }).pipe(share());
  }

  /** Events of one job. */
  ofJob(id: string): Observable<JobEvent> {
    return this.events$.pipe(filter((event) => event.id === id));
  }

  /** Events of one queue. */
  ofQueue(queue: string): Observable<JobEvent> {
    return this.events$.pipe(filter((event) => event.queue === queue));
  }
}

function toJobEvent(event: DriverEvent): JobEvent {
  const jobEvent: JobEvent = {
    type: event.type,
    queue: event.queue,
    name: event.name,
    id: event.id,
    attempt: event.attempt,
    at: new Date(event.at),
  };
  if (event.data !== undefined) {
    const value = fromJsonOrRaw(event.data);
    if (event.type === 'completed') jobEvent.result = value;
    else jobEvent.progress = value;
  }
  if (event.error) jobEvent.error = toJobErrorInfo(event.error);
  if (event.runAt !== undefined) jobEvent.runAt = new Date(event.runAt);
  return jobEvent;
}
