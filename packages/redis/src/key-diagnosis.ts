import type { AnyClient } from './connection.js';
import type { KeySchema } from './keys.js';
import { RedisKeyTypeError } from './redis-key-type.error.js';

/** What each queue key holds (TYPE), in KeySchema.queueKeys order; paused (a flag) takes any. */
const QUEUE_KEY_TYPES = ['hash', 'zset', 'zset', 'zset', 'zset', 'zset', undefined, 'string', 'stream', 'list', 'hash', 'hash', 'hash', 'string'] as const;
/** The seq counter (INCRBY) and the finish clock, which must hold integers. */
const COUNTERS = new Set([7, 13]);
/** Extra keys looked at when a call is refused: it names the first bad one among them. */
const EXTRA_KEYS_CHECKED = 1_000;

/** A key to look at besides the queue's fixed ones: a waiting list, a schedule hash. */
export interface ExtraKey {
  key: string;
  type: 'hash' | 'list';
  /** Says what the key is, e.g. `the waiting list of priority 5`. */
  what: string;
}

/**
 * Explains a script refused with WRONGTYPE (or a counter without an integer):
 * the scripts check before their first write, so nothing changed, but Redis'
 * text names neither the key nor the queue. Runs on that failure path only.
 */
export class KeyDiagnosis {
  constructor(private readonly client: AnyClient, private readonly keys: KeySchema) {}

  /** `cause` itself when it is another error, or when no key is found wrong. */
  async explain(operation: string, queue: string, cause: unknown, extra: ExtraKey[] = []): Promise<unknown> {
    const said = cause instanceof Error ? cause.message : String(cause);
    if (!/WRONGTYPE|not an integer|holds no integer/.test(said)) return cause;
    const culprit = await this.withWaitingLists(queue, extra)
      .then((keys) => this.findCulprit(queue, keys.slice(0, EXTRA_KEYS_CHECKED)))
      .catch(() => undefined);
    if (!culprit) return cause;
    return new RedisKeyTypeError(
      `RedisDriver.${operation} on queue "${queue}": key "${culprit.key}" (${culprit.what}) holds ${culprit.found} where nest-jobs keeps ${culprit.expected}, `
      + 'so the call was refused and changed nothing. Another program may have written that key: delete it, or rename it to keep its value for inspection '
      + `(e.g. RENAME "${culprit.key}" "${culprit.key}:bad"), then retry. Redis said: ${said}`,
      culprit.key,
      queue,
      { cause },
    );
  }

  /** `extra` plus the waiting list of each priority the queue lists as having one. */
  private async withWaitingLists(queue: string, extra: ExtraKey[]): Promise<ExtraKey[]> {
    const priorities = await this.client.zrange(this.keys.key(queue, 'v2:priorities'), '0', String(EXTRA_KEYS_CHECKED - 1)).catch((): string[] => []);
    const listed = waitingLists(this.keys, queue, priorities);
    const seen = new Set(extra.map(({ key }) => key));
    return [...extra, ...listed.filter(({ key }) => !seen.has(key))];
  }

  private async findCulprit(queue: string, extra: ExtraKey[]): Promise<{ key: string; what: string; found: string; expected: string } | undefined> {
    const queueKeys = this.keys.queueKeys(queue);
    const pipeline = this.client.pipeline();
    queueKeys.forEach((key) => pipeline.type(key));
    COUNTERS.forEach((index) => pipeline.get(queueKeys[index]!));
    extra.forEach(({ key }) => pipeline.type(key));
    const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value as string | null);
    const types = replies.slice(0, queueKeys.length);
    const counters = replies.slice(queueKeys.length, queueKeys.length + COUNTERS.size);
    for (const [index, key] of queueKeys.entries()) {
      const expected = QUEUE_KEY_TYPES[index];
      const found = types[index];
      const what = `the queue's ${key.slice(key.lastIndexOf(':') + 1)} key`;
      if (expected && found !== 'none' && found !== expected) return { key, what, found: `a ${found}`, expected: `a ${expected}` };
    }
    for (const [position, index] of [...COUNTERS].entries()) {
      const value = counters[position];
      const key = queueKeys[index]!;
      if (typeof value === 'string' && !/^\d+$/.test(value)) {
        return { key, what: `the queue's ${key.slice(key.lastIndexOf(':') + 1)} counter`, found: JSON.stringify(value.slice(0, 40)), expected: 'an integer counter' };
      }
    }
    const extraTypes = replies.slice(queueKeys.length + COUNTERS.size);
    for (const [index, { key, type, what }] of extra.entries()) {
      const found = extraTypes[index];
      if (found && found !== 'none' && found !== type) return { key, what, found: `a ${found}`, expected: `a ${type}` };
    }
    return undefined;
  }
}

/** The waiting lists of `priorities`, for KeyDiagnosis.explain. */
export function waitingLists(keys: KeySchema, queue: string, priorities: Iterable<string | number>): ExtraKey[] {
  return [...new Set([...priorities].map(String))].map((priority) => ({
    key: keys.waitingPrefix(queue) + priority, type: 'list', what: `the waiting list of priority ${priority}`,
  }));
}
