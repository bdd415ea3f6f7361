import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import { messages } from '../registry/jobs.messages.js';
import { JobTracing } from './job-tracing.js';
import type { JobsTracing, TracingConfig } from './tracing.interface.js';

/**
 * Loads `@opentelemetry/api` only when tracing is on: it is an optional peer,
 * and an app without it must neither install nor load it.
 */
export async function loadTracing(config: TracingConfig | undefined): Promise<JobsTracing | null> {
  if (!config) return null;
  let api: typeof import('@opentelemetry/api');
  try {
    api = await import('@opentelemetry/api');
  } catch (error) {
    throw new JobsConfigurationError(messages.tracingNeedsApi(error instanceof Error ? error.message : String(error)));
  }
  return new JobTracing(api, config);
}
