import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createBackoffStrategy,
  RetryableDeliveryError,
} from '../../../src/delivery/contract/backoff.js';

const options = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = (attempt: number) => backoffDelay(attempt, { ...options, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(top)).toEqual([
      999, 1_999, 3_999, 7_999, 15_999, 31_999, 59_999, 59_999,
    ]);
    expect(top(10_000)).toBe(59_999);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(2_000);
  });

  it('spreads real random delays across the window', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(4, { ...options, random: Math.random }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(8_000);
    expect(new Set(delays.map((d) => Math.floor(d / 1_000))).size).toBe(8);
  });
});

describe('createBackoffStrategy', () => {
  const strategy = createBackoffStrategy({ ...options, random: () => 0.5, maxRetryAfterMs: 3_600_000 });

  it('honours the receiver’s Retry-After, bounded', () => {
    expect(strategy(1, 'planbrygga', new RetryableDeliveryError('HTTP 429', 120_000))).toBe(120_000);
    expect(strategy(1, 'planbrygga', new RetryableDeliveryError('HTTP 429', 10 * 86_400_000))).toBe(
      3_600_000,
    );
  });

  it('falls back to jittered exponential backoff otherwise', () => {
    expect(strategy(3, 'planbrygga', new RetryableDeliveryError('HTTP 500', null))).toBe(2_000);
    expect(strategy(3, 'planbrygga', new Error('ECONNRESET'))).toBe(2_000);
  });
});
