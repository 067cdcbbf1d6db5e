import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SharedRateCounter } from '../../../src/http/security/shared-rate-counter.js';

const WINDOW_MS = 60_000;
let redis: Redis;
const counters: SharedRateCounter[] = [];

beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { keyPrefix: inject('redisKeyPrefix') });
});
afterAll(async () => {
  await Promise.all(counters.map((c) => c.close()));
  redis.disconnect();
});

/** A counter on `connection`, on a clock the test sets (the middle of a window unless told). */
function counterOn(connection: Redis, clock: { now: number }) {
  const counter = new SharedRateCounter(connection, WINDOW_MS, () => clock.now);
  counters.push(counter);
  return counter;
}

// Keys in Redis expire with their window: the clock is now's, set to the middle of its window.
const middleOfAWindow = () => ({ now: (Math.floor(Date.now() / WINDOW_MS) + 0.5) * WINDOW_MS });
const stored = async (key: string, clock: { now: number }) =>
  Number(await redis.get(`${key}:${Math.floor(clock.now / WINDOW_MS)}`));

describe('SharedRateCounter', () => {
  it("asks Redis for a key's first request in a window, then counts on its own and adds its counts within 50 ms", async () => {
    const clock = middleOfAWindow();
    const counter = counterOn(redis, clock);
    const key = `test:${randomUUID()}`;
    expect(await counter.hit(key, 1_000)).toEqual({ count: 1, resetInMs: WINDOW_MS / 2 });
    expect(await stored(key, clock)).toBe(1);
    const counts = [];
    for (let i = 0; i < 30; i++) counts.push((await counter.hit(key, 1_000))?.count);
    expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(await stored(key, clock)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await stored(key, clock)).toBe(31);
  });

  it('counts exactly across instances for limits under 20', async () => {
    const clock = middleOfAWindow();
    const [one, two] = [counterOn(redis, clock), counterOn(redis, clock)];
    const key = `test:${randomUUID()}`;
    const counts = [];
    for (let i = 0; i < 12; i++) counts.push((await (i % 2 ? two : one).hit(key, 10))?.count);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('lets two instances together run over a limit by at most 1/20 of it per other instance', async () => {
    const clock = middleOfAWindow();
    const [one, two] = [counterOn(redis, clock), counterOn(redis, clock)];
    const key = `test:${randomUUID()}`;
    let admitted = 0;
    for (let i = 0; i < 300; i++) {
      const counted = await (i % 2 ? two : one).hit(key, 200);
      if (counted && counted.count <= 200) admitted++;
    }
    expect(admitted).toBeGreaterThanOrEqual(200);
    expect(admitted).toBeLessThanOrEqual(210);
  });

  it('starts a new count when the window turns, and sends what the old one had counted', async () => {
    const clock = middleOfAWindow();
    const counter = counterOn(redis, clock);
    const key = `test:${randomUUID()}`;
    const old = { ...clock };
    for (let i = 0; i < 5; i++) await counter.hit(key, 1_000);
    clock.now += WINDOW_MS;
    expect(await counter.hit(key, 1_000)).toEqual({ count: 1, resetInMs: WINDOW_MS / 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored(key, old)).toBe(5);
    expect(await stored(key, clock)).toBe(1);
    expect(await redis.pttl(`${key}:${Math.floor(clock.now / WINDOW_MS)}`)).toBeGreaterThan(0);
  });

  it('sends what it counted when closed', async () => {
    const clock = middleOfAWindow();
    const counter = new SharedRateCounter(redis, WINDOW_MS, () => clock.now);
    const key = `test:${randomUUID()}`;
    for (let i = 0; i < 7; i++) await counter.hit(key, 1_000);
    await counter.close();
    expect(await stored(key, clock)).toBe(7);
  });

  it('answers undefined, at once, when Redis cannot be reached', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => {});
    try {
      const counter = counterOn(down, middleOfAWindow());
      const started = Date.now();
      expect(await counter.hit(`test:${randomUUID()}`, 1_000)).toBeUndefined();
      expect(await counter.hit(`test:${randomUUID()}`, 5)).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      down.disconnect();
    }
  });
});
