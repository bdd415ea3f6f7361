import type { DriverEvent } from '@nest-jobs/core/driver';

/**
 * Job events from every process, as NOTIFY delivers them: in commit order, after
 * the commit, never inside the call that caused them. A notification `#<id>`
 * names an event too large for a payload; it is read from the table, and the
 * events behind it wait, so every listener sees one order.
 */
export class PostgresEventFeed {
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private backlog: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly loadBody: (id: string) => Promise<string | undefined>,
    private readonly warn: (message: string) => void,
  ) {}

  subscribe(listener: (event: DriverEvent) => void): () => void {
    const own = (event: DriverEvent): void => listener(event);
    this.listeners.add(own);
    return () => this.listeners.delete(own);
  }

  /** A notification's payload on the event channel. */
  receive(payload: string): void {
    if (!payload.startsWith('#') && this.pending === 0) return this.deliver(payload);
    this.pending++;
    const body = payload.startsWith('#') ? this.loadBody(payload.slice(1)) : Promise.resolve(payload);
    this.backlog = this.backlog
      .then(() => body)
      .then((text) => (text === undefined ? this.warn(`PostgresDriver: event body ${payload} is gone (older than an hour?)`) : this.deliver(text)))
      .catch((error: unknown) => this.warn(`PostgresDriver: could not read event body ${payload}: ${String(error)}`))
      .finally(() => this.pending--);
  }

  private deliver(text: string): void {
    let event: DriverEvent;
    try {
      event = JSON.parse(text) as DriverEvent;
    } catch {
      return this.warn(`PostgresDriver: ignored an event that is not JSON: ${text.slice(0, 100)}`);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.warn(`PostgresDriver: an event listener threw: ${String(error)}`);
      }
    }
  }
}
