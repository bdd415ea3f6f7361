// Compile-time twins of toJson/fromJson: payloads and results travel as JSON,
// so the types say what survives the trip. Checked in test/types/producer.types.ts.

type IsAny<T> = 0 extends 1 & T ? true : false;

declare const notJson: unique symbol;
/**
 * What tsc shows in place of a part JSON cannot carry. Not a bare string
 * literal: `string | 'message'` would collapse to `string`, losing the message.
 */
export interface NotJson<Message extends string> {
  readonly [notJson]: Message;
}
type AnyFunction = (...args: never[]) => unknown;

/** Keys of `T` holding a function: a class instance's methods, or callbacks. */
type MethodKeys<T> = {
  [K in keyof T]-?: IsAny<T[K]> extends true ? never : NonNullable<T[K]> extends AnyFunction ? K : never;
}[keyof T];

/**
 * `T` with every part JSON cannot carry replaced by a message saying what to
 * pass instead; tsc shows the message where a value does not fit.
 */
type JsonShape<T> =
  IsAny<T> extends true ? T
  : T extends string | number | boolean | null | undefined ? T
  : T extends bigint ? NotJson<'bigint is not JSON: pass a string (value.toString())'>
  : T extends symbol ? NotJson<'symbol is not JSON: pass a string'>
  : T extends AnyFunction ? NotJson<'a function is not JSON: pass the data it works on'>
  : T extends Date ? NotJson<'Date is not JSON: pass an ISO string (date.toISOString())'>
  : T extends ReadonlyMap<unknown, unknown> ? NotJson<'Map is not JSON: pass a plain object or an array of [key, value] pairs'>
  : T extends ReadonlySet<unknown> ? NotJson<'Set is not JSON: pass an array'>
  : T extends readonly unknown[] ? { [K in keyof T]: JsonItemShape<T[K]> }
  : T extends object
    ? [MethodKeys<T>] extends [never]
      ? { [K in keyof T]: JsonShape<T[K]> }
      : NotJson<'an object with methods or functions (a class instance?) is not JSON: pass a plain object of its data; the handler gets no methods'>
  : T;

type JsonItemShape<T> = T extends undefined ? NotJson<'undefined in an array is not JSON (it becomes null): pass null'> : JsonShape<T>;

/**
 * The payload type a producer accepts for a handler taking `T`: `T` itself
 * when JSON carries it unchanged (strings, numbers, booleans, null, arrays and
 * plain objects or interfaces of those), else a type naming the culprit, e.g.
 * `NotJson<'Date is not JSON: pass an ISO string (date.toISOString())'>`.
 */
export type JsonPayload<T> = IsAny<T> extends true ? T : [T] extends [JsonShape<T>] ? T : JsonShape<T>;

/**
 * What `T` becomes after JSON.stringify and JSON.parse: a Date or any object
 * with `toJSON` becomes what `toJSON` returns (a string for Date), methods and
 * function-valued properties are dropped, undefined or functions in arrays
 * become null, and a Map or Set becomes `{}`.
 */
export type Jsonified<T> =
  IsAny<T> extends true ? T
  : T extends string | number | boolean | null | undefined ? T
  : T extends { toJSON(...args: never[]): infer J } ? Jsonified<J>
  : T extends bigint ? never
  : T extends symbol | AnyFunction ? undefined
  : T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> ? Record<string, never>
  : T extends readonly unknown[] ? { [K in keyof T]: JsonifiedItem<T[K]> }
  : T extends object ? { [K in keyof T as K extends symbol ? never : K extends MethodKeys<T> ? never : K]: Jsonified<T[K]> }
  : T;

type JsonifiedItem<T> = T extends undefined | symbol | AnyFunction ? null : Jsonified<T>;
