import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import { assembleScript, type LuaReader } from './script-source.js';

/** Lua sources stay in src/lua (shipped with the package); dist/ code reads them from there. */
const LUA_DIR = new URL('../src/lua/', import.meta.url);

const SCRIPTS = {
  njEnqueue: { file: 'enqueue.lua', keys: 14 },
  njFetch: { file: 'fetch.lua', keys: 14 },
  njComplete: { file: 'complete.lua', keys: 14 },
  njFail: { file: 'fail.lua', keys: 14 },
  njExtend: { file: 'extend.lua', keys: 14 },
  njRelease: { file: 'release.lua', keys: 14 },
  njProgress: { file: 'progress.lua', keys: 14 },
  njRetryDead: { file: 'retry-dead.lua', keys: 14 },
  njRemove: { file: 'remove.lua', keys: 14 },
  njCancel: { file: 'cancel.lua', keys: 14 },
  njRemoveDead: { file: 'remove-dead.lua', keys: 14 },
  njResume: { file: 'resume.lua', keys: 14 },
  njEnqueueTick: { file: 'enqueue-tick.lua', keys: 15 },
  njMigrate: { file: 'migrate.lua', keys: 19 },
  njCounts: { file: 'counts.lua', keys: 14 },
  njListWaiting: { file: 'list-waiting.lua', keys: 14 },
  njEnqueueBlocked: { file: 'enqueue-blocked.lua', keys: 14 },
  njDepend: { file: 'depend.lua', keys: 14 },
  njUnblock: { file: 'unblock.lua', keys: 14 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** The scripts as ioredis commands: loaded once, run by EVALSHA (EVAL only after a server restart). */
export type ScriptCommands = {
  [K in ScriptName]: (...args: Arg[]) => Promise<unknown>;
};

let sources: Map<ScriptName, string> | undefined;

/** Every script's assembled source, built once per process; throws at the first load on a bad @include. */
export function scriptSources(): Map<ScriptName, string> {
  if (!sources) {
    const read: LuaReader = (path) => readFileSync(new URL(path, LUA_DIR), 'utf8');
    sources = new Map(Object.entries(SCRIPTS).map(([name, { file }]) => [name as ScriptName, assembleScript(file, read)]));
  }
  return sources;
}

export function defineScripts(client: Redis | Cluster): void {
  const lua = scriptSources();
  for (const [name, { keys }] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys: keys, lua: lua.get(name as ScriptName)! });
  }
}

/** Typed access to the commands defineScripts added. */
export function scriptsOf(client: Redis | Cluster): ScriptCommands {
  return client as unknown as ScriptCommands;
}
