import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { KeySchema } from './keys.js';
import { useSpecRedis } from './spec-support/spec-redis.js';

const redis = useSpecRedis();
const keysLua = readFileSync(new URL('../src/lua/includes/keys.lua', import.meta.url), 'utf8');

describe('queue keys in scripts', () => {
  it('names in Lua, from the jobs hash alone, every fixed key KeySchema lists, in the same hash tag', async () => {
    const keys = new KeySchema('nj:app');
    const expected = keys.queueKeys('mail.send-1');
    const roles = expected.map((key) => key.slice(key.lastIndexOf('}:') + 2).replace(/^v2:/, ''));
    const [jobs, waitingPrefix] = keys.scriptHead('mail.send-1');
    const named = await redis.raw().eval(`${keysLua}\nreturn { ${roles.map((role) => `K['${role}']`).join(', ')}, WAITING }`, 1, jobs, waitingPrefix);
    expect(named).toEqual([...expected, '{nj:app:mail.send-1}:v2:waiting:']);
  });

  it('keeps one script head per queue, and starts again past its bound instead of growing', () => {
    const keys = new KeySchema('nj');
    const first = keys.scriptHead('q');
    expect(keys.scriptHead('q')).toBe(first);
    for (let index = 0; index < 1_500; index++) keys.scriptHead(`q${index}`);
    expect(keys.scriptHead('q')).toEqual(first);
    expect(() => keys.scriptHead('bad{name}')).toThrow(/queue name "bad\{name\}" is invalid/);
  });
});
