import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { assembleScript, includesOf, resolveIncludes, type LuaReader } from './script-source.js';
import { scriptSources } from './scripts.js';
import { startRedisServer, type RedisServerHandle } from './testing/index.js';

const LUA_DIR = new URL('../src/lua/', import.meta.url);
const readLua: LuaReader = (path) => readFileSync(new URL(path, LUA_DIR), 'utf8');
const fake = (files: Record<string, string>): LuaReader => (path) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT ${path}`);
  return text;
};

/** Names each include defines at top level (functions and constants), code only. */
function definitions(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const file of readdirSync(new URL('includes/', LUA_DIR)).filter((name) => name.endsWith('.lua'))) {
    const code = readLua(`includes/${file}`);
    const names = [...code.matchAll(/^local (?:function )?([A-Za-z_][A-Za-z0-9_]*)/gm)].map((match) => match[1]!);
    result.set(file.slice(0, -'.lua'.length), names);
  }
  return result;
}

const code = (lua: string): string => lua.replace(/--.*$/gm, '');

describe('Lua script assembly (@include)', () => {
  it('prepends the declared helpers and their dependencies once each, dependencies first', () => {
    const read = fake({
      'main.lua': '-- @include b, a\nreturn 1',
      'includes/a.lua': '-- @include c\nlocal A = 1',
      'includes/b.lua': '-- @include c, a\nlocal B = 1',
      'includes/c.lua': 'local C = 1',
    });
    expect(resolveIncludes('main.lua', read)).toEqual(['c', 'a', 'b']);
    expect(assembleScript('main.lua', read)).toBe('local C = 1\n-- @include c\nlocal A = 1\n-- @include c, a\nlocal B = 1\n-- @include b, a\nreturn 1\n');
  });

  it('wraps the body of a script that emits so its events are flushed once after it', () => {
    const lua = assembleScript('enqueue.lua', readLua);
    expect(lua).toContain('local function main()');
    expect(lua.trimEnd().endsWith('local result = main()\nflush_events()\nreturn result')).toBe(true);
    expect(assembleScript('extend.lua', readLua)).not.toContain('flush_events');
  });

  it('builds @lazy helpers inside lazy(), without repeating what the script includes, and exports their functions', () => {
    const read = fake({
      'main.lua': '-- @include a\n-- @lazy cold\nreturn lazy().warm(1)',
      'includes/a.lua': 'local function a() return 1 end',
      'includes/cold.lua': '-- @include a, b\nlocal function warm(x) return a() + b() + x end',
      'includes/b.lua': 'local function b() return 2 end',
    });
    const lua = assembleScript('main.lua', read);
    expect(lua.match(/local function a\(\)/g)).toHaveLength(1);
    expect(lua.indexOf('local function b()')).toBeGreaterThan(lua.indexOf('local function lazy()'));
    expect(lua).toContain('lazy_loaded = { b = b, warm = warm }');
  });

  it('builds an emitting script\'s event buffer before lazy(), so lazy helpers emit into the one it flushes', () => {
    const lua = assembleScript('fetch.lua', readLua);
    expect(lua.indexOf('local function emit(')).toBeLessThan(lua.indexOf('local function lazy()'));
    expect(lua.indexOf('local function maintain(')).toBeGreaterThan(lua.indexOf('local function lazy()'));
  });

  it('fails at load on an unknown helper, naming the script and the missing file', () => {
    const read = fake({ 'main.lua': '-- @include keys, nope\nreturn 1', 'includes/keys.lua': 'local K = {}' });
    expect(() => resolveIncludes('main.lua', read)).toThrow('Lua include "nope" of main.lua is unknown: no src/lua/includes/nope.lua');
  });

  it('fails at load on a cycle, naming the chain', () => {
    const read = fake({ 'main.lua': '-- @include a', 'includes/a.lua': '-- @include b', 'includes/b.lua': '-- @include a' });
    expect(() => resolveIncludes('main.lua', read)).toThrow('Lua include cycle in main.lua: a -> b -> a');
  });

  it('reads comma-separated names over several header lines', () => {
    expect(includesOf('-- @include a, b\n-- @include  c\nlocal x = 1 -- @include d')).toEqual(['a', 'b', 'c']);
  });

  it('gives every script exactly the helpers its code (with its helpers) uses', () => {
    const defined = definitions();
    for (const [script, lua] of scriptSources()) {
      const body = code(lua);
      for (const [include, names] of defined) {
        const used = names.some((name) => new RegExp(`(^|[^A-Za-z0-9_.'])${name}\\b`).test(body.replace(new RegExp(`^local (?:function )?${name}\\b`, 'gm'), '')));
        const present = names.every((name) => new RegExp(`^local (?:function )?${name}\\b`, 'm').test(body));
        expect({ script, include, used: used && !present ? 'used but not included' : 'ok' }).toEqual({ script, include, used: 'ok' });
      }
    }
  });
});

describe('assembled scripts on a real Redis', () => {
  let server: RedisServerHandle;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('every script compiles (SCRIPT LOAD)', async () => {
    for (const [name, lua] of scriptSources()) {
      await expect(client.script('LOAD', lua).then(() => name)).resolves.toBe(name);
    }
  });
});
