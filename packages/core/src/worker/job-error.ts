import type { FailItem } from '../driver/queue-driver.interface.js';

type StoredError = NonNullable<FailItem['error']>;

/** Whatever a handler threw, as a storable error: handlers may throw strings, undefined or plain objects. */
export function toStoredError(thrown: unknown): StoredError {
  if (thrown instanceof Error) {
    return { name: thrown.name, message: thrown.message || thrown.name, stack: thrown.stack };
  }
  if (thrown === undefined || thrown === null) {
    return { name: 'NonError', message: `Handler threw ${String(thrown)}` };
  }
  if (typeof thrown === 'string') return { name: 'NonError', message: thrown };
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? typeof thrown;
  } catch {
    text = Object.prototype.toString.call(thrown);
  }
  return { name: 'NonError', message: `Handler threw a non-Error value: ${text}` };
}

/** The reason a job's signal aborts when its lease was lost. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** The reason a job's signal aborts when shutdown ran out of time. */
export class ShutdownAbortError extends Error {
  override readonly name = 'ShutdownAbortError';
}
