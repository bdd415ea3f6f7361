import { describe, expect, it } from '@jest/globals';
import { hashSlot } from './hash-slot.js';
import { compareStreamIds, cursorBefore } from './stream-ids.js';

describe('hashSlot', () => {
  it('gives the slot Redis Cluster gives (values from CLUSTER KEYSLOT on redis 7.0)', () => {
    expect(hashSlot('123456789')).toBe(12739); // the CRC16-XMODEM check value 0x31C3
    expect(hashSlot('a{}b{c}')).toBe(7353); // an empty first tag: the whole key is hashed
    expect(hashSlot('héllo{ü}')).toBe(9552); // UTF-8 bytes of the tag
    expect(hashSlot('{nj:emails}:events')).toBe(hashSlot('nj:emails'));
    expect(hashSlot('foo')).toBe(12182); // no tag
    expect(hashSlot('x{')).toBe(3596); // no closing brace: the whole key
  });
});

describe('compareStreamIds', () => {
  it('orders by milliseconds, then sequence, as numbers beyond 2^53', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-18446744073709551615', '10-18446744073709551614')).toBeGreaterThan(0);
    expect(compareStreamIds('5-1', '5-1')).toBe(0);
    expect(compareStreamIds(cursorBefore(1_000), '1000-0')).toBeLessThan(0);
    expect(compareStreamIds(cursorBefore(1_000), '999-7')).toBeGreaterThan(0);
  });
});
