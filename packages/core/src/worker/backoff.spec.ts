import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('uses a number as a fixed delay', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(500, attempt))).toEqual([500, 500, 500]);
  });

  it('doubles exponential delays from the first retry and caps them at maxDelay', () => {
    const backoff = { type: 'exponential' as const, delay: 100, maxDelay: 500 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(backoff, attempt))).toEqual([100, 200, 400, 500, 500]);
  });

  it('spreads jittered delays over [delay/2, delay]', () => {
    const backoff = { type: 'fixed' as const, delay: 1000, jitter: true };
    expect(backoffDelay(backoff, 1, () => 0)).toBe(500);
    expect(backoffDelay(backoff, 1, () => 0.999999)).toBe(1000);
  });
});
