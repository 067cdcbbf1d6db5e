import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      usingDevelopmentIndexKey: true,
      http: expect.objectContaining({ apiKeyCacheMs: 5000 }),
      database: { connectTimeoutMs: 3000, statementTimeoutMs: 5000, preparedStatements: true },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops with a message naming the variable for a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PLANBRYGGA_INDEX_KEY: 'short' })).toThrow(/PLANBRYGGA_INDEX_KEY/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ API_KEY_CACHE_SECONDS: '301' })).toThrow(/API_KEY_CACHE_SECONDS/);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '2s' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
  });

  it('keeps audit entries five years by default; 0 keeps them, under a year is refused', () => {
    expect(loadConfig({}).auditRetentionDays).toBe(1825);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '365' }).auditRetentionDays).toBe(365);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '364' })).toThrow(
      /AUDIT_RETENTION_DAYS: must be 0 \(keep\) or at least 365/,
    );
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '-1' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });

  it('reads the database timeouts and turns prepared statements off for a pooler', () => {
    const config = loadConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_PREPARED_STATEMENTS: 'false',
    });
    expect(config.database).toEqual({
      connectTimeoutMs: 1500,
      statementTimeoutMs: 0,
      preparedStatements: false,
    });
  });

  it('treats an empty variable as unset and takes a real index key', () => {
    const config = loadConfig({
      PORT: '',
      PLANBRYGGA_INDEX_KEY: 'k'.repeat(32),
      REDIS_URL: 'redis://r:6379/3',
    });
    expect(config.port).toBe(3000);
    expect(config.usingDevelopmentIndexKey).toBe(false);
    expect(config.redisUrl).toBe('redis://r:6379/3');
  });

  it('takes PUBLIC_URL as the API document names it: an http(s) URL without a trailing slash', () => {
    expect(loadConfig({}).publicUrl).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'https://planbrygga.example.se/api' }).publicUrl).toBe(
      'https://planbrygga.example.se/api',
    );
    expect(() => loadConfig({ PUBLIC_URL: 'https://planbrygga.example.se/' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://planbrygga.example.se' })).toThrow(/PUBLIC_URL/);
  });
});
