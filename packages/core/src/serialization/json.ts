import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';

/** Default limit of a payload or result, in bytes of UTF-8 JSON. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * Deepest nesting of objects and arrays a payload or result may have. Real
 * data stays far below it; the check walks recursively, so without a limit a
 * deeper value would end in a bare stack overflow instead of a clear error.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * JSON text of `value`, refusing what JSON.stringify would silently drop or
 * mangle (functions, symbols, BigInt, cycles, non-finite numbers, own
 * `__proto__` keys, which fromJson drops), and nesting deeper than
 * MAX_JSON_DEPTH, so a job never runs with a payload that differs from what
 * the producer passed.
 * `what` names the culprit in the error, e.g. `payload of job "EmailJobs.sendEmail"`.
 */
export function toJson(value: unknown, what: string, maxBytes: number): string {
  assertJsonSafe(value, what, '$', new Set(), 0);
  const text = JSON.stringify(value) ?? 'null';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new InvalidJobInputError(
      `The ${what} is ${bytes} bytes of JSON, over the limit of ${maxBytes} bytes (maxPayloadBytes).`,
    );
  }
  return text;
}

/** Parses JSON text; `__proto__` keys are dropped so merging the value can't change prototypes. */
export function fromJson<T = unknown>(text: string): T {
  // A reviver makes JSON.parse several times slower, and this runs for every job. A "__proto__"
  // key can only be written literally or with a \u escape, so text with neither needs none.
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text) as T;
  return JSON.parse(text, dropProtoKeys) as T;
}

/**
 * Parses JSON text, or returns the text itself when it is not JSON: operators
 * and event listeners must still see a corrupt record instead of an exception.
 */
export function fromJsonOrRaw(text: string): unknown {
  try {
    return fromJson(text);
  } catch {
    return text;
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/** Objects JSON.stringify turns into `{}`, silently losing their content. */
const LOSSY_TYPES: ReadonlyArray<abstract new (...args: never[]) => object> = [Map, Set, WeakMap, WeakSet, RegExp, Error, Promise];

function assertJsonSafe(value: unknown, what: string, path: string, seen: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'bigint':
      throw refuse(what, path, 'a BigInt (convert it to a string)');
    case 'function':
      throw refuse(what, path, 'a function');
    case 'symbol':
      throw refuse(what, path, 'a symbol');
    case 'number':
      if (!Number.isFinite(value)) throw refuse(what, path, `${value} (not representable in JSON)`);
      return;
    case 'object':
      break;
    default:
      return;
  }
  if (value === null) return;
  if (seen.has(value)) throw refuse(what, path, 'a circular reference');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  const lossy = LOSSY_TYPES.find((type) => value instanceof type);
  if (lossy) throw refuse(what, path, `a ${lossy.name} (JSON would store it as {}; convert it to an array or object)`);
  if (depth === MAX_JSON_DEPTH) {
    throw new InvalidJobInputError(
      `The ${what} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH); flatten it.`,
    );
  }
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonSafe(item, what, `${path}[${index}]`, seen, depth + 1));
  } else {
    for (const key of Object.keys(value)) {
      // JSON.parse would make it an own key again, but fromJson drops it (prototype pollution).
      if (key === '__proto__') throw refuse(what, `${path}.__proto__`, 'an own "__proto__" key, which the worker would drop; rename it');
      assertJsonSafe((value as Record<string, unknown>)[key], what, `${path}.${key}`, seen, depth + 1);
    }
  }
  seen.delete(value);
}

function refuse(what: string, path: string, found: string): InvalidJobInputError {
  return new InvalidJobInputError(`The ${what} is not JSON-serializable: ${path} is ${found}.`);
}
