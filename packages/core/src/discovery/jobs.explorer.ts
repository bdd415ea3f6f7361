import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { JOBS_HANDLERS_METADATA, type HandlerDeclaration } from '../decorators/jobs-metadata.js';
import type { HandlerInvoker, JobDefinition } from '../registry/job-definition.js';
import { buildDefinition } from '../registry/definition-builder.js';
import { JobRegistry } from '../registry/job.registry.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import { messages } from '../registry/jobs.messages.js';
import { hostResolverOf, providersDeclaring } from './handler-host.js';
import { assertInjectedProducersProvided } from './injected-producers.js';

/** Finds `@Job`/`@Cron`/`@Every` methods on the app's providers and registers them, validated. */
@Injectable()
export class JobsExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly registry: JobRegistry,
    @Inject(JobsConfig) private readonly config: JobsConfig,
  ) {}

  onModuleInit(): void {
    const definitions: JobDefinition[] = [];
    for (const { wrapper, classRef, declarations } of providersDeclaring<HandlerDeclaration>(this.discovery, JOBS_HANDLERS_METADATA)) {
      assertOneDecoratorPerMethod(classRef.name, declarations);
      const resolveHost = hostResolverOf(wrapper, this.moduleRef);
      for (const declaration of declarations) {
        const invoke = invokerFor(declaration, resolveHost);
        definitions.push(buildDefinition({ classRef, declaration, invoke }, this.config.defaults));
      }
    }
    this.registry.registerAll(definitions);
    assertInjectedProducersProvided(this.discovery, this.registry);
  }
}

function invokerFor(declaration: HandlerDeclaration, resolveHost: (jobContext: object) => Promise<object>): HandlerInvoker {
  const { methodKey, kind } = declaration;
  return async (payload, jobContext) => {
    const host = (await resolveHost(jobContext)) as Record<string | symbol, (...args: unknown[]) => unknown>;
    const method = host[methodKey]!;
    return kind === 'job' ? method.call(host, payload, jobContext) : method.call(host, jobContext);
  };
}

function assertOneDecoratorPerMethod(className: string, declarations: HandlerDeclaration[]): void {
  const seen = new Set<string | symbol>();
  for (const { methodKey } of declarations) {
    if (seen.has(methodKey)) {
      throw new JobsConfigurationError(messages.manyDecorators(`${className}.${String(methodKey)}`));
    }
    seen.add(methodKey);
  }
}
