import { describe, expect, it } from '@jest/globals';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import { MAX_JSON_DEPTH, fromJson, toJson } from './json.js';

const what = 'payload of job "EmailJobs.sendEmail"';

describe('toJson', () => {
  it('serializes plain JSON values, Dates through toJSON, and undefined as null', () => {
    expect(toJson({ a: [1, 'x', true, null], at: new Date(0) }, what, 1000)).toBe('{"a":[1,"x",true,null],"at":"1970-01-01T00:00:00.000Z"}');
    expect(toJson(undefined, what, 1000)).toBe('null');
  });

  it.each([
    ['a BigInt', { amount: 10n }, '$.amount is a BigInt'],
    ['a function', { cb: () => 1 }, '$.cb is a function'],
    ['a symbol', { tag: Symbol('x') }, '$.tag is a symbol'],
    ['NaN', { n: Number.NaN }, '$.n is NaN'],
    ['a nested array item', { list: [1, 2n] }, '$.list[1] is a BigInt'],
  ])('refuses %s, naming the job and the path', (_label, value, detail) => {
    expect(() => toJson(value, what, 1000)).toThrow(InvalidJobInputError);
    expect(() => toJson(value, what, 1000)).toThrow(`The ${what} is not JSON-serializable: ${detail}`);
  });

  it('refuses a circular reference but accepts a shared one', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => toJson(loop, what, 1000)).toThrow('$.self is a circular reference');
    const shared = { x: 1 };
    expect(toJson({ a: shared, b: shared }, what, 1000)).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses a deeper value with the job and the limit, not a stack overflow`, () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 1;
      for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { a: value } : [value];
      return value;
    };
    expect(() => toJson(nest(MAX_JSON_DEPTH), what, 1_000_000)).not.toThrow();
    expect(() => toJson(nest(MAX_JSON_DEPTH + 1), what, 1_000_000)).toThrow(
      `The ${what} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH); flatten it.`,
    );
    expect(() => toJson(nest(5_000), what, 1_000_000)).toThrow(InvalidJobInputError);
  });

  it('refuses an own __proto__ key, naming its path, instead of letting the worker drop it', () => {
    const user = JSON.parse('{"name":"ada","__proto__":{"admin":true}}') as unknown;
    expect(() => toJson({ user }, what, 1000)).toThrow(InvalidJobInputError);
    expect(() => toJson({ user }, what, 1000)).toThrow(
      `The ${what} is not JSON-serializable: $.user.__proto__ is an own "__proto__" key, which the worker would drop; rename it.`,
    );
    expect(toJson({ constructor: 'ok', proto: 1 }, what, 1000)).toBe('{"constructor":"ok","proto":1}');
  });

  it('refuses a payload over the size limit, saying both sizes', () => {
    expect(() => toJson('x'.repeat(100), what, 50)).toThrow(`The ${what} is 102 bytes of JSON, over the limit of 50 bytes (maxPayloadBytes).`);
  });
});

describe('fromJson', () => {
  it('drops __proto__ keys so merging a payload cannot change prototypes', () => {
    const parsed = fromJson<Record<string, unknown>>('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}');
    const merged = Object.assign({}, parsed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(parsed.ok).toBe(1);
  });

  it('drops a __proto__ key spelled with \\u escapes too, at any depth', () => {
    const parsed = fromJson<Record<string, Record<string, unknown>>>('{"a":{"\\u005f_proto__":{"polluted":true}},"\\u005F\\u005Fproto\\u005f\\u005f":{"polluted":true}}');
    expect(Object.keys(parsed)).toEqual(['a']);
    expect(Object.keys(parsed.a!)).toEqual([]);
    expect(Object.getPrototypeOf(Object.assign({}, parsed.a))).toBe(Object.prototype);
  });

  it('parses text without __proto__ exactly as JSON.parse does', () => {
    const text = '{"to":"ada@example.com","n":[1,2.5,null,true],"nested":{"k":"v"}}';
    expect(fromJson(text)).toEqual(JSON.parse(text));
  });
});
