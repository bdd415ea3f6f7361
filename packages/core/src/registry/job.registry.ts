import { Injectable } from '@nestjs/common';
import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobDefinition } from './job-definition.js';
import { messages } from './jobs.messages.js';

/** Every handler of this application, validated, by stored name and by `Class.method`. */
@Injectable()
export class JobRegistry {
  private readonly byName = new Map<string, JobDefinition>();
  private readonly byHandler = new Map<string, JobDefinition>();

  /** Adds all definitions or none: a duplicate name fails bootstrap naming both handlers. */
  registerAll(definitions: JobDefinition[]): void {
    const pending = new Map<string, JobDefinition>();
    for (const definition of definitions) {
      const existing = this.byName.get(definition.name) ?? pending.get(definition.name);
      if (existing) {
        const jobs = [definition, existing].filter((item) => item.kind === 'job').length;
        const kind = jobs === 2 ? 'job' : jobs === 0 ? 'schedule' : 'job/schedule';
        throw new JobsConfigurationError(messages.duplicateName(kind, definition.name, existing.handler, definition.handler));
      }
      pending.set(definition.name, definition);
    }
    for (const definition of pending.values()) {
      this.byName.set(definition.name, definition);
      this.byHandler.set(definition.handler, definition);
    }
  }

  getByName(name: string): JobDefinition | undefined {
    return this.byName.get(name);
  }

  /** The definition behind `Producer<Class>.enqueue(methodKey)`. */
  getByMethod(classRef: abstract new (...args: never[]) => unknown, methodKey: string): JobDefinition | undefined {
    const definition = this.byHandler.get(`${classRef.name}.${methodKey}`);
    return definition?.classRef === classRef ? definition : undefined;
  }

  all(): JobDefinition[] {
    return [...this.byName.values()];
  }

  jobs(): JobDefinition[] {
    return this.all().filter((definition) => definition.kind === 'job');
  }

  schedules(): JobDefinition[] {
    return this.all().filter((definition) => definition.kind !== 'job');
  }

  /** Queues with at least one handler. */
  queues(): string[] {
    return [...new Set(this.all().map((definition) => definition.queue))];
  }
}
