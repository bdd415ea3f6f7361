import type { DiscoveryService } from '@nestjs/core';
import { injectedProducersOf } from '../decorators/jobs-metadata.js';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobRegistry } from '../registry/job.registry.js';
import { messages } from '../registry/jobs.messages.js';
import { hostClassOf } from './handler-host.js';

/**
 * Fails bootstrap when a provider or controller of this app injects
 * `Producer<X>` while X is no provider here: its first enqueue would fail.
 */
export function assertInjectedProducersProvided(discovery: DiscoveryService, registry: JobRegistry): void {
  const provided = new Set(registry.all().map((definition) => definition.classRef));
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const host = hostClassOf(wrapper);
    if (!host) continue;
    const missing = injectedProducersOf(host).find((jobsClass) => !provided.has(jobsClass));
    if (missing) throw new JobsConfigurationError(messages.producerWithoutProvider(host.name, missing.name));
  }
}
