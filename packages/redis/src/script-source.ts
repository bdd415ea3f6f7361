/**
 * Builds a script's Lua source from its body and the helpers it declares.
 * A script (or helper) names the helpers it calls in a header line,
 * `-- @include emit, place`; each helper is lua/includes/<name>.lua and may
 * declare its own. Only the helpers a script uses are prepended, since Redis
 * re-runs every line before the body on each call.
 */

/** Reads the text of `lua/<path>` (e.g. `includes/emit.lua`). */
export type LuaReader = (path: string) => string;

const INCLUDE_LINE = /^--\s*@include\s+(.*)$/gm;
const HELPER_NAME = /^[a-z][a-z0-9_]*$/;

/** The helper names a Lua text declares in its `-- @include` lines, in order. */
export function includesOf(source: string): string[] {
  const names: string[] = [];
  for (const [, list] of source.matchAll(INCLUDE_LINE)) {
    for (const name of list!.split(',').map((part) => part.trim()).filter((part) => part !== '')) names.push(name);
  }
  return names;
}

/**
 * The helpers `file` needs, dependencies first (depth-first in declaration
 * order, so the result is the same on every load). Throws on an unknown
 * helper or a cycle, naming the chain.
 */
export function resolveIncludes(file: string, read: LuaReader): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    if (done.has(name)) return;
    if (chain.includes(name)) throw new Error(`Lua include cycle in ${file}: ${[...chain, name].join(' -> ')}. Remove one of these @include lines in src/lua/includes.`);
    if (!HELPER_NAME.test(name)) throw new Error(`Lua include "${name}" in ${[file, ...chain].join(' -> ')} is not a helper name (lowercase letters, digits, _).`);
    let source: string;
    try {
      source = read(`includes/${name}.lua`);
    } catch (error) {
      throw new Error(`Lua include "${name}" of ${[file, ...chain].join(' -> ')} is unknown: no src/lua/includes/${name}.lua (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
    }
    for (const dependency of includesOf(source)) visit(dependency, [...chain, name]);
    done.add(name);
    order.push(name);
  };
  for (const name of includesOf(read(file))) visit(name, []);
  return order;
}

/**
 * The full source of script `file`: its helpers, then its body. A script that
 * emits runs its body as a function so the events it buffered are written
 * once, after the body returns (see includes/emit.lua).
 */
export function assembleScript(file: string, read: LuaReader): string {
  const helpers = resolveIncludes(file, read);
  const prelude = helpers.map((name) => read(`includes/${name}.lua`)).join('\n');
  const body = read(file);
  if (!helpers.includes('emit')) return `${prelude}\n${body}\n`;
  return `${prelude}\nlocal function main()\n${body}\nend\nlocal result = main()\nflush_events()\nreturn result\n`;
}
