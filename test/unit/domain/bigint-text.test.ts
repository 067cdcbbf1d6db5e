import { describe, expect, it } from 'vitest';
import { fitsBigint } from '../../../src/domain/bigint-text.js';

describe('fitsBigint', () => {
  it('takes every decimal up to the largest bigint and nothing beyond it', () => {
    expect(fitsBigint('0')).toBe(true);
    expect(fitsBigint('999999999999999999')).toBe(true);
    expect(fitsBigint('9223372036854775807')).toBe(true);
    expect(fitsBigint('9223372036854775808')).toBe(false);
    expect(fitsBigint('9999999999999999999')).toBe(false);
    expect(fitsBigint('10000000000000000000')).toBe(false);
  });
});
