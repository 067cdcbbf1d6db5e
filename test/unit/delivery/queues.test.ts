import { describe, expect, it } from 'vitest';
import { bullPrefix, redisOptions } from '../../../src/delivery/queues/queues.js';

describe('redisOptions', () => {
  it('reads host, port and the /N database index', () => {
    expect(redisOptions('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisOptions('redis://cache.internal/3')).toEqual({ host: 'cache.internal', port: 6379, db: 3 });
  });

  it('reads credentials and turns on TLS for rediss', () => {
    expect(redisOptions('rediss://worker:p%40ss@redis.example.se:6380/1')).toEqual({
      host: 'redis.example.se',
      port: 6380,
      db: 1,
      username: 'worker',
      password: 'p@ss',
      tls: {},
    });
  });

  it('refuses a database index that is not a whole number', () => {
    expect(() => redisOptions('redis://127.0.0.1:6379/x')).toThrow('REDIS_URL');
  });
});

describe('bullPrefix', () => {
  it('drops trailing colons, which BullMQ adds itself', () => {
    expect(bullPrefix('planbrygga:')).toBe('planbrygga');
    expect(bullPrefix('planbrygga_test_ab12:jobs-1:')).toBe('planbrygga_test_ab12:jobs-1');
    expect(bullPrefix('plain')).toBe('plain');
  });
});
