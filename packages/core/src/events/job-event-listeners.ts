import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { JOB_EVENT_LISTENERS_METADATA, type JobEventListenerDeclaration } from '../decorators/on-job-event.decorator.js';
import type { JobEventType } from '../driver/driver-event.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import { JobRegistry } from '../registry/job.registry.js';
import { hostResolverOf, providersDeclaring } from '../discovery/handler-host.js';
import { JobEvents } from './job-events.js';

/** Every event type, as a record so that a type added to JobEventType must be added here too. */
const ALL_EVENT_TYPES: Record<JobEventType, true> = {
  enqueued: true, active: true, progress: true, completed: true, retrying: true, failed: true, dead: true, skipped: true, expired: true,
  'rate-limited': true, cancelled: true, blocked: true, unblocked: true,
};
/** Every event type a listener may name. */
const EVENT_TYPES: ReadonlySet<string> = new Set(['*', ...Object.keys(ALL_EVENT_TYPES)]);

interface Listener {
  handler: string;
  types: ReadonlySet<string>;
  job?: string;
  queue?: string;
  call: (event: JobEvent) => Promise<unknown>;
}

/**
 * Finds `@OnJobEvent` methods on the app's providers at init (checking each names known
 * event types and job names), and from bootstrap on hands them the matching events.
 */
@Injectable()
export class JobEventListeners implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobEvents');
  private listeners: Listener[] = [];
  private subscription: Subscription | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    @Inject(JobEvents) private readonly events: JobEvents,
    private readonly registry: JobRegistry,
  ) {}

  /** After JobsExplorer's (it is provided first): job names are known. */
  onModuleInit(): void {
    for (const { wrapper, classRef, declarations } of providersDeclaring<JobEventListenerDeclaration>(this.discovery, JOB_EVENT_LISTENERS_METADATA)) {
      const resolveHost = hostResolverOf(wrapper, this.moduleRef);
      for (const declaration of declarations) this.listeners.push(this.listenerOf(classRef.name, declaration, resolveHost));
    }
  }

  onApplicationBootstrap(): void {
    if (this.listeners.length === 0) return;
    this.subscription = this.events.events$.subscribe((event) => this.dispatch(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private dispatch(event: JobEvent): void {
    for (const listener of this.listeners) {
      if (!listener.types.has('*') && !listener.types.has(event.type)) continue;
      if (listener.job !== undefined && listener.job !== event.name) continue;
      if (listener.queue !== undefined && listener.queue !== event.queue) continue;
      // Each on its own: one that throws or hangs does not hold back the others.
      void listener.call(event).catch((error: unknown) => {
        const message = error instanceof Error ? error.stack ?? error.message : String(error);
        this.logger.error(`@OnJobEvent listener ${listener.handler} failed on "${event.type}" of job ${event.id} (${event.name}): ${message}`);
      });
    }
  }

  private listenerOf(className: string, declaration: JobEventListenerDeclaration, resolveHost: (context: object) => Promise<object>): Listener {
    const handler = `${className}.${String(declaration.methodKey)}`;
    const fail = (problem: string): never => {
      throw new JobsConfigurationError(`@OnJobEvent on "${handler}": ${problem}`);
    };
    if (!declaration.isMethod) fail('it decorates a property, not a method. Put it on a method of the class.');
    for (const type of declaration.types) {
      if (!EVENT_TYPES.has(type)) fail(`unknown event type ${JSON.stringify(type)}; use one of ${[...EVENT_TYPES].join(', ')}.`);
    }
    const { job, queue } = declaration.options;
    if (job !== undefined && !this.registry.getByName(job)) {
      fail(`no @Job, @Cron or @Every is named ${JSON.stringify(job)} in this application (stored names are "Class.method" unless renamed).`);
    }
    if (queue !== undefined && (typeof queue !== 'string' || queue === '')) fail(`queue must be a queue name (got ${JSON.stringify(queue)}).`);
    const methodKey = declaration.methodKey;
    return {
      handler,
      types: new Set(declaration.types),
      job,
      queue,
      call: async (event) => {
        const host = (await resolveHost(event)) as Record<string | symbol, (event: JobEvent) => unknown>;
        return host[methodKey]!.call(host, event);
      },
    };
  }
}
