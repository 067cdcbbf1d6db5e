import { describe, expect, it } from 'vitest';
import { CallerCache } from '../../../src/services/caller-cache.js';
import type { Caller } from '../../../src/services/context.js';

const CALLER: Caller = { clientId: 'c1', organisation: '0180', scopes: ['plans:write'] };

/** A cache on a clock the test moves, and a lookup that counts its calls. */
function setUp(ttlMs: number, { keyIsValid = true } = {}) {
  let now = Date.parse('2026-12-03T10:00:00Z');
  const cache = new CallerCache(ttlMs, () => new Date(now));
  let lookups = 0;
  const lookUp = async () => {
    lookups++;
    return keyIsValid ? CALLER : undefined;
  };
  return {
    get: (keyHash = 'hash-1') => cache.get(keyHash, lookUp),
    advance: (ms: number) => {
      now += ms;
    },
    lookups: () => lookups,
  };
}

describe('CallerCache', () => {
  it('looks a key up once while its entry lives, and again once it has expired', async () => {
    const c = setUp(5000);
    expect(await c.get()).toEqual(CALLER);
    c.advance(4999);
    expect(await c.get()).toEqual(CALLER);
    expect(c.lookups()).toBe(1);
    c.advance(1);
    expect(await c.get()).toEqual(CALLER);
    expect(c.lookups()).toBe(2);
  });

  it('never keeps an unknown key: each presentation is looked up', async () => {
    const c = setUp(5000, { keyIsValid: false });
    expect(await c.get()).toBeUndefined();
    expect(await c.get()).toBeUndefined();
    expect(c.lookups()).toBe(2);
  });

  it('keeps nothing with a ttl of 0', async () => {
    const c = setUp(0);
    await c.get();
    await c.get();
    expect(c.lookups()).toBe(2);
  });

  it('keeps keys apart', async () => {
    const c = setUp(5000);
    await c.get('hash-1');
    await c.get('hash-2');
    await c.get('hash-1');
    expect(c.lookups()).toBe(2);
  });

  it('holds at most 10 000 keys, dropping the oldest first', async () => {
    const c = setUp(60_000);
    for (let i = 0; i <= 10_000; i++) await c.get(`hash-${i}`);
    expect(c.lookups()).toBe(10_001);
    await c.get('hash-10000');
    await c.get('hash-1');
    expect(c.lookups()).toBe(10_001);
    await c.get('hash-0');
    expect(c.lookups()).toBe(10_002);
  });
});
