/**
 * Listeners of `watchCancels`, fed by NOTIFY on the schema's cancel channel:
 * `["queue", "id"]` for each active job cancelled, in any process.
 */
export class CancelWatchers {
  private readonly watchers = new Set<(queue: string, id: string) => void>();

  constructor(private readonly warn: (message: string) => void) {}

  watch(listener: (queue: string, id: string) => void): () => void {
    const own = (queue: string, id: string): void => listener(queue, id);
    this.watchers.add(own);
    return () => this.watchers.delete(own);
  }

  /** A notification's payload on the cancel channel. */
  receive(payload: string): void {
    let queue: unknown;
    let id: unknown;
    try {
      [queue, id] = JSON.parse(payload) as [unknown, unknown];
    } catch {
      return this.warn(`PostgresDriver: ignored a cancel notification that is not JSON: ${payload.slice(0, 100)}`);
    }
    if (typeof queue !== 'string' || typeof id !== 'string') return;
    for (const watcher of [...this.watchers]) {
      try {
        watcher(queue, id);
      } catch (error) {
        this.warn(`PostgresDriver: a cancel watcher threw: ${String(error)}`);
      }
    }
  }
}
