import type { ScriptRunner } from './driver-context.js';
import type { KeySchema } from './keys.js';
import { migrateScript } from './lua/producer.scripts.js';

/** Jobs moved per migrate.lua call: each call is atomic and blocks Redis for a few ms at most. */
const MIGRATE_CHUNK = 500;

/**
 * Moves a queue's jobs of storage layout 1 (before 0.2) into layout 2 the
 * first time this process uses the queue, in atomic chunks (lua/migrate.lua);
 * after that one check per queue and process, nothing is sent. Processes of
 * the old version must be stopped first: what they write after the check is
 * moved only when a new process starts (README, "Upgrading").
 */
export class LayoutMigration {
  private readonly done = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly keys: KeySchema,
    private readonly runner: ScriptRunner,
  ) {}

  /** Resolves once `queue` holds no job of layout 1; undefined (nothing to await) once known. */
  ensure(queue: string): Promise<void> | undefined {
    if (this.done.has(queue)) return undefined;
    let running = this.running.get(queue);
    if (!running) {
      running = this.migrate(queue).then(
        () => {
          this.done.add(queue);
          this.running.delete(queue);
        },
        (error: unknown) => {
          this.running.delete(queue);
          throw error;
        },
      );
      this.running.set(queue, running);
    }
    return running;
  }

  private async migrate(queue: string): Promise<void> {
    const input = { ...this.keys.legacyPrefixes(queue), most: MIGRATE_CHUNK };
    while ((await this.runner.call(migrateScript, queue, input)) > 0);
  }
}
