import { describe, expect, it } from '@jest/globals';
import { RandomText } from './random-text.js';

describe('RandomText', () => {
  it('gives 16 base64url characters for 12 bytes, all different across many pool refills', () => {
    const source = new RandomText();
    const ids = Array.from({ length: 20_000 }, () => source.next());
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
