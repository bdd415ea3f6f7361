import { describe, expect, it } from '@jest/globals';
import { JobAbort } from './job-abort.js';

describe('JobAbort', () => {
  it('gives a signal made after the abort that is already aborted with the reason', () => {
    const abort = new JobAbort();
    const reason = new Error('timeout');
    abort.abort(reason);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it('aborts a signal handed out before, and keeps the first reason', () => {
    const abort = new JobAbort();
    const signal = abort.signal;
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    abort.abort(new Error('lease lost'));
    abort.abort(new Error('shutdown'));
    expect(seen.map((reason) => (reason as Error).message)).toEqual(['lease lost']);
    expect(abort.reason?.message).toBe('lease lost');
  });

  it('calls abort listeners once, and at once when added after the abort', () => {
    const abort = new JobAbort();
    const calls: string[] = [];
    abort.onAbort((reason) => calls.push(`early ${reason.message}`));
    abort.abort(new Error('x'));
    abort.abort(new Error('y'));
    abort.onAbort((reason) => calls.push(`late ${reason.message}`));
    expect(calls).toEqual(['early x', 'late x']);
    expect(abort.aborted).toBe(true);
  });
});
