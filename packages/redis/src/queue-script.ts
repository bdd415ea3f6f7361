import type { KeySchema } from './keys.js';
import type { ScriptName } from './scripts.js';

type Arg = string | number;

/**
 * One Lua script as the driver calls it, next to its .lua file (src/lua/*.scripts.ts):
 * the command `defineScripts` made of the file, the arguments after the queue's keys
 * and waiting-list prefix in the order the script reads them, and how its reply is
 * read. Adding an argument means changing the .lua and this one place.
 */
export interface QueueScript<In, Out> {
  readonly command: ScriptName;
  /** The operation a refusal names: `RedisDriver.<operation> on queue "q": …`. */
  readonly operation: string;
  /** Keys after the queue's own, for the scripts that take more (a schedule hash, layout-1 indexes). */
  readonly extraKeys?: (input: In, keys: KeySchema, queue: string) => string[];
  readonly args: (input: In) => Arg[];
  readonly reply: (raw: unknown, input: In, queue: string) => Out;
}

/** Declares a script's table (an identity function that checks the types). */
export function queueScript<In, Out>(script: QueueScript<In, Out>): QueueScript<In, Out> {
  return script;
}

/** Everything a call of `script` on `queue` sends after the command: KEYS (the jobs hash, then any extra), then ARGV. */
export function scriptArgv<In>(script: QueueScript<In, unknown>, keys: KeySchema, queue: string, input: In): Arg[] {
  const [jobs, waitingPrefix] = keys.scriptHead(queue);
  return script.extraKeys
    ? [jobs, ...script.extraKeys(input, keys, queue), waitingPrefix, ...script.args(input)]
    : [jobs, waitingPrefix, ...script.args(input)];
}

/** Replies of the settle scripts: one 1 (ok) or 0 (lost) per item. */
export function leaseOutcomes(raw: unknown): Array<'ok' | 'lost'> {
  return (raw as number[]).map((value) => (value === 1 ? 'ok' : 'lost'));
}
