import type { AnyClient } from './connection.js';
import type { ExtraKey, KeyDiagnosis } from './key-diagnosis.js';
import type { LayoutMigration } from './layout-migration.js';
import type { KeySchema } from './keys.js';
import type { ScriptCommands } from './scripts.js';

/** What every role part of RedisDriver shares: one client, the key schema, the scripts. */
export interface DriverContext {
  readonly client: AnyClient;
  readonly keys: KeySchema;
  readonly scripts: ScriptCommands;
  readonly runner: ScriptRunner;
  /** Resolves once connected: lets the driver be used without calling open() first (JobsModule calls it). */
  ready(): Promise<void>;
  /** Moves a queue's jobs of storage layout 1 to layout 2 before this process first uses it. */
  readonly layout: LayoutMigration;
}

/** Awaits queue scripts, turning a wrong-typed key refusal into an error that names the key. */
export class ScriptRunner {
  constructor(private readonly diagnosis: KeyDiagnosis) {}

  /**
   * Awaits a queue script. A refusal because a key holds the wrong type comes back as a
   * RedisKeyTypeError naming the key and queue (looked up only then): the queue's fixed keys,
   * its waiting lists, and `extra`.
   */
  async run<T = unknown>(operation: string, queue: string, call: Promise<unknown>, extra: ExtraKey[] = []): Promise<T> {
    try {
      return (await call) as T;
    } catch (error: unknown) {
      throw await this.diagnosis.explain(operation, queue, error, extra);
    }
  }
}
