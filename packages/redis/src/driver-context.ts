import type { AnyClient } from './connection.js';
import type { ExtraKey, KeyDiagnosis } from './key-diagnosis.js';
import type { LayoutMigration } from './layout-migration.js';
import type { KeySchema } from './keys.js';
import { scriptArgv, type QueueScript } from './queue-script.js';
import type { ScriptCommands } from './scripts.js';

/** What every role part of RedisDriver shares: one client, the key schema, the script runner. */
export interface DriverContext {
  readonly client: AnyClient;
  readonly keys: KeySchema;
  readonly runner: ScriptRunner;
  /** Resolves once connected: lets the driver be used without calling open() first (JobsModule calls it). */
  ready(): Promise<void>;
  /** Moves a queue's jobs of storage layout 1 to layout 2 before this process first uses it. */
  readonly layout: LayoutMigration;
}

/** Calls queue scripts, turning a wrong-typed key refusal into an error that names the key. */
export class ScriptRunner {
  constructor(
    private readonly keys: KeySchema,
    private readonly scripts: ScriptCommands,
    private readonly diagnosis: KeyDiagnosis,
  ) {}

  /** Runs `script` on `queue` with `input` (its table builds the arguments and reads the reply). */
  async call<In, Out>(script: QueueScript<In, Out>, queue: string, input: In, extra: ExtraKey[] = []): Promise<Out> {
    const raw = await this.run(script.operation, queue, this.scripts[script.command](...scriptArgv(script, this.keys, queue, input)), extra);
    return script.reply(raw, input, queue);
  }

  /**
   * Awaits a queue script. A refusal because a key holds the wrong type comes back as a
   * RedisKeyTypeError naming the key and queue (looked up only then): the queue's fixed keys,
   * its waiting lists, and `extra`.
   */
  private async run<T = unknown>(operation: string, queue: string, call: Promise<unknown>, extra: ExtraKey[] = []): Promise<T> {
    try {
      return (await call) as T;
    } catch (error: unknown) {
      throw await this.diagnosis.explain(operation, queue, error, extra);
    }
  }
}
