import { Injectable } from '@nestjs/common';
import type { ProducerPort, SchedulePort } from '../driver/driver-ports.js';
import type { NewJob } from '../driver/job-record.js';
import { fromJson } from '../serialization/json.js';

/** A job as it was enqueued, for assertions in tests (see `JobsTester.enqueued`). */
export interface EnqueuedJob<P = unknown> {
  id: string;
  /** Stored job name: `Class.method` unless the decorator set `name`. */
  name: string;
  queue: string;
  /** The payload as the handler receives it (after the JSON round trip). */
  payload: P;
  /** When it may run first. */
  runAt: Date;
  enqueuedAt: Date;
  priority: number;
  /** Total tries allowed. */
  attempts: number;
  /** Schedule ticks (`@Cron`, `@Every`): the tick instant. */
  scheduledFor?: Date;
}

/**
 * Every job created through this app's producers and schedules, in order.
 * Testing mode routes the producer and schedule ports through it; an enqueue
 * that found its `jobId` already there created nothing and is not listed.
 */
@Injectable()
export class EnqueueLog {
  private readonly jobs: EnqueuedJob[] = [];

  all(): readonly EnqueuedJob[] {
    return this.jobs;
  }

  clear(): void {
    this.jobs.length = 0;
  }

  /** `port`, with each job it creates written down. */
  recordingProducer(port: ProducerPort): ProducerPort {
    return {
      enqueue: async (jobs) => {
        const results = await port.enqueue(jobs);
        results.forEach((result, index) => result.created && this.add(jobs[index]!));
        return results;
      },
      getJob: (queue, id) => port.getJob(queue, id),
      cancel: (queue, id, reason) => port.cancel(queue, id, reason),
    };
  }

  /** `port`, with each schedule tick it enqueues written down. */
  recordingSchedules(port: SchedulePort): SchedulePort {
    return {
      enqueueTick: async (request) => {
        const outcome = await port.enqueueTick(request);
        if (outcome === 'enqueued') this.add(request.job);
        return outcome;
      },
      scheduleStates: (schedules) => port.scheduleStates(schedules),
      setSchedulePaused: (schedule, paused) => port.setSchedulePaused(schedule, paused),
    };
  }

  private add(job: NewJob): void {
    this.jobs.push({
      id: job.id,
      name: job.name,
      queue: job.queue,
      payload: fromJson(job.payload),
      runAt: new Date(job.runAt),
      enqueuedAt: new Date(job.enqueuedAt),
      priority: job.priority,
      attempts: job.maxAttempts,
      ...(job.scheduledFor === undefined ? {} : { scheduledFor: new Date(job.scheduledFor) }),
    });
  }
}
