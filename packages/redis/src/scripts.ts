import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

/** Lua sources stay in src/lua (shipped with the package); dist/ code reads them from there. */
const LUA_DIR = new URL('../src/lua/', import.meta.url);

const SCRIPTS = {
  njEnqueue: { file: 'enqueue.lua', keys: 10 },
  njFetch: { file: 'fetch.lua', keys: 10 },
  njComplete: { file: 'complete.lua', keys: 10 },
  njFail: { file: 'fail.lua', keys: 10 },
  njExtend: { file: 'extend.lua', keys: 10 },
  njRelease: { file: 'release.lua', keys: 10 },
  njProgress: { file: 'progress.lua', keys: 10 },
  njRetryDead: { file: 'retry-dead.lua', keys: 10 },
  njRemove: { file: 'remove.lua', keys: 10 },
  njRemoveDead: { file: 'remove-dead.lua', keys: 10 },
  njResume: { file: 'resume.lua', keys: 10 },
  njEnqueueTick: { file: 'enqueue-tick.lua', keys: 11 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** The scripts as ioredis commands: loaded once, run by EVALSHA (EVAL only after a server restart). */
export type ScriptCommands = {
  [K in ScriptName]: (...args: Arg[]) => Promise<unknown>;
};

export function defineScripts(client: Redis | Cluster): void {
  const lib = readFileSync(new URL('lib.lua', LUA_DIR), 'utf8');
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    const body = readFileSync(new URL(file, LUA_DIR), 'utf8');
    // The body runs as a function so the events it buffered are written once, after it returns.
    const lua = `${lib}\nlocal function main()\n${body}\nend\nlocal result = main()\nflush_events()\nreturn result\n`;
    client.defineCommand(name, { numberOfKeys: keys, lua });
  }
}

/** Typed access to the commands defineScripts added. */
export function scriptsOf(client: Redis | Cluster): ScriptCommands {
  return client as unknown as ScriptCommands;
}
