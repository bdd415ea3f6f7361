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
const LAZY_LINE = /^--\s*@lazy\s+(.*)$/gm;
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
  return resolveNames(includesOf(read(file)), file, read);
}

/** `names` and what they include, dependencies first, leaving out those in `skip`. */
function resolveNames(names: string[], file: string, read: LuaReader, skip: ReadonlySet<string> = new Set()): string[] {
  const order: string[] = [];
  const done = new Set<string>(skip);
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
  for (const name of names) visit(name, []);
  return order;
}

/** The helper names a script declares in its `-- @lazy` lines. */
export function lazyOf(source: string): string[] {
  return [...source.matchAll(LAZY_LINE)].flatMap(([, list]) => list!.split(',').map((part) => part.trim()).filter((part) => part !== ''));
}

/**
 * The full source of script `file`: its helpers, then its body. Redis runs
 * every line before the body on each call, and each `local function` there
 * costs about as much as a command, so helpers a script needs only now and
 * then are declared `-- @lazy`: they (and what they include that the script
 * does not already) are built inside `lazy()`, on its first call in a run, and
 * the body calls them as `lazy().name(...)`. A script that emits runs its
 * body as a function so the events it buffered are written once, after the
 * body returns (see includes/emit.lua).
 */
export function assembleScript(file: string, read: LuaReader): string {
  const body = read(file);
  const lazyNames = lazyOf(body);
  let eager = resolveIncludes(file, read);
  let lazy = resolveNames(lazyNames, file, read, new Set(eager));
  // Events are flushed after the body: emit must be built with the script, not inside lazy().
  if (lazy.includes('emit')) {
    eager = resolveNames([...eager, 'emit'], file, read);
    lazy = resolveNames(lazyNames, file, read, new Set(eager));
  }
  const source = (names: string[]): string => names.map((name) => read(`includes/${name}.lua`)).join('\n');
  let prelude = source(eager);
  if (lazy.length > 0) {
    const lazySource = source(lazy);
    const exported = [...new Set([...lazySource.matchAll(/^local function ([A-Za-z_][A-Za-z0-9_]*)/gm)].map(([, name]) => name!))];
    prelude += `\nlocal lazy_loaded = nil\nlocal function lazy()\nif lazy_loaded then return lazy_loaded end\n${lazySource}\n`
      + `lazy_loaded = { ${exported.map((name) => `${name} = ${name}`).join(', ')} }\nreturn lazy_loaded\nend`;
  }
  if (!eager.includes('emit')) return `${prelude}\n${body}\n`;
  return `${prelude}\nlocal function main()\n${body}\nend\nlocal result = main()\nflush_events()\nreturn result\n`;
}
