import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { JobEvents } from '@nest-jobs/core';
import { Subject, takeUntil, type Observable } from 'rxjs';
import { eventBatches, type SseMessage } from './event-batches.js';

/**
 * The event streams of connected browsers. They end when the app shuts down,
 * so an open dashboard tab cannot hold the HTTP server open.
 */
@Injectable()
export class LiveStreams implements OnModuleDestroy {
  private readonly closing = new Subject<void>();

  constructor(@Inject(JobEvents) private readonly events: JobEvents) {}

  open(): Observable<SseMessage> {
    return eventBatches(this.events.events$).pipe(takeUntil(this.closing));
  }

  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
  }
}
