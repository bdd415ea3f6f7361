import type { AnyClient } from './connection.js';
import { jobKeys, type ExtraKey, type KeyDiagnosis } from './key-diagnosis.js';
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
}

/** Awaits queue scripts, turning a wrong-typed key refusal into an error that names the key. */
export class ScriptRunner {
  constructor(
    private readonly keys: KeySchema,
    private readonly diagnosis: KeyDiagnosis,
  ) {}

  /**
   * Awaits a queue script. A refusal because a key holds the wrong type comes back as a
   * RedisKeyTypeError naming the key and queue (looked up only then); `jobs` are the job ids
   * the call touched (a function when they must be read first).
   */
  async run<T = unknown>(
    operation: string, queue: string, call: Promise<unknown>,
    jobs: Array<{ id: string }> | (() => Promise<string[]>) = [], extra: ExtraKey[] = [],
  ): Promise<T> {
    try {
      return (await call) as T;
    } catch (error: unknown) {
      const ids = typeof jobs === 'function' ? await jobs() : jobs.map((job) => job.id);
      throw await this.diagnosis.explain(`${operation}`, queue, error, [...jobKeys(this.keys, queue, ids), ...extra]);
    }
  }
}
