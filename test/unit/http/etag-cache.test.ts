import { describe, expect, it } from 'vitest';
import { ETagCache } from '../../../src/http/etag-cache.js';

describe('ETagCache', () => {
  it('answers the ETag kept for a key, and nothing for a key it never saw', () => {
    const cache = new ETagCache(3);
    cache.set('full;plan-1;r1', '"s1"');
    expect(cache.get('full;plan-1;r1')).toBe('"s1"');
    expect(cache.get('full;plan-1;r2')).toBeUndefined();
  });

  it('keeps at most its number of entries, dropping the least recently used first', () => {
    const cache = new ETagCache(3);
    cache.set('a', '"a"');
    cache.set('b', '"b"');
    cache.set('c', '"c"');
    expect(cache.get('a')).toBe('"a"');
    cache.set('d', '"d"');
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['"a"', '"c"', '"d"']);
  });

  it('replaces the ETag of a key set again without growing', () => {
    const cache = new ETagCache(2);
    cache.set('a', '"a1"');
    cache.set('a', '"a2"');
    cache.set('b', '"b"');
    expect(cache.get('a')).toBe('"a2"');
    expect(cache.get('b')).toBe('"b"');
  });
});
