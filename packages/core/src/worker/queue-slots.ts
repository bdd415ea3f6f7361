import type { JobDefinition } from '../registry/job-definition.js';

/**
 * Concurrency bookkeeping for one consumed queue. The queue's capacity is the
 * sum of its handlers' `concurrency`; a handler already at its own limit makes
 * its next job wait in-process (lease still renewed) until one of its slots frees.
 */
export class QueueSlots {
  readonly capacity: number;
  private running = 0;
  private readonly perHandler = new Map<string, { active: number; limit: number; waiters: Array<() => void> }>();

  constructor(readonly queue: string, definitions: JobDefinition[]) {
    for (const definition of definitions) {
      this.perHandler.set(definition.name, { active: 0, limit: definition.concurrency, waiters: [] });
    }
    this.capacity = Math.max(1, definitions.reduce((sum, definition) => sum + definition.concurrency, 0));
  }

  get free(): number {
    return this.capacity - this.running;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Takes a queue slot at once (fetch already made room) and waits for the handler's own slot. */
  async acquire(name: string): Promise<void> {
    this.running++;
    const handler = this.perHandler.get(name);
    if (!handler) return;
    if (handler.active < handler.limit) {
      handler.active++;
      return;
    }
    await new Promise<void>((resolve) => handler.waiters.push(resolve));
  }

  release(name: string): void {
    this.running--;
    const handler = this.perHandler.get(name);
    if (!handler) return;
    const next = handler.waiters.shift();
    if (next) next();
    else handler.active--;
  }
}
