import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import { assembleScript, type LuaReader } from './script-source.js';

/** Lua sources stay in src/lua (shipped with the package); dist/ code reads them from there. */
const LUA_DIR = new URL('../src/lua/', import.meta.url);

const SCRIPTS = {
  njEnqueue: { file: 'enqueue.lua', keys: 1 },
  njFetch: { file: 'fetch.lua', keys: 1 },
  njComplete: { file: 'complete.lua', keys: 1 },
  njFail: { file: 'fail.lua', keys: 1 },
  njExtend: { file: 'extend.lua', keys: 1 },
  njRelease: { file: 'release.lua', keys: 1 },
  njProgress: { file: 'progress.lua', keys: 1 },
  njRetryDead: { file: 'retry-dead.lua', keys: 1 },
  njRemove: { file: 'remove.lua', keys: 1 },
  njCancel: { file: 'cancel.lua', keys: 1 },
  njRemoveDead: { file: 'remove-dead.lua', keys: 1 },
  njResume: { file: 'resume.lua', keys: 1 },
  njEnqueueTick: { file: 'enqueue-tick.lua', keys: 2 },
  njMigrate: { file: 'migrate.lua', keys: 6 },
  njCounts: { file: 'counts.lua', keys: 1 },
  njListWaiting: { file: 'list-waiting.lua', keys: 1 },
  njEnqueueBlocked: { file: 'enqueue-blocked.lua', keys: 1 },
  njDepend: { file: 'depend.lua', keys: 1 },
  njUnblock: { file: 'unblock.lua', keys: 1 },
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
