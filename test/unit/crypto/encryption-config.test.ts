import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const key = () => randomBytes(32).toString('base64');

describe('encryption keys in the configuration', () => {
  it('falls back to the flagged development key when nothing is set', () => {
    const config = loadConfig({});
    expect(config.usingDevelopmentEncryptionKey).toBe(true);
    expect(config.encryption.keys.get(config.encryption.activeKeyId)).toHaveLength(32);
  });

  it('reads several keys and the active one', () => {
    const [a, b] = [key(), key()];
    const config = loadConfig({
      PLANBRYGGA_ENCRYPTION_KEYS: `k2026a:${a}, k2025:${b}`,
      PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: 'k2026a',
    });
    expect(config.usingDevelopmentEncryptionKey).toBe(false);
    expect(config.encryption.activeKeyId).toBe('k2026a');
    expect(config.encryption.keys.get('k2025')?.toString('base64')).toBe(b);
  });

  it('takes a single key as the active one', () => {
    expect(loadConfig({ PLANBRYGGA_ENCRYPTION_KEYS: `only:${key()}` }).encryption.activeKeyId).toBe('only');
  });

  it.each([
    [
      'a key that is not 32 bytes',
      { PLANBRYGGA_ENCRYPTION_KEYS: `k1:${randomBytes(16).toString('base64')}` },
      /PLANBRYGGA_ENCRYPTION_KEYS/,
    ],
    ['an entry without an id', { PLANBRYGGA_ENCRYPTION_KEYS: key() }, /PLANBRYGGA_ENCRYPTION_KEYS/],
    ['a duplicate id', { PLANBRYGGA_ENCRYPTION_KEYS: `k1:${key()},k1:${key()}` }, /appears twice/],
    [
      'several keys and no active one',
      { PLANBRYGGA_ENCRYPTION_KEYS: `k1:${key()},k2:${key()}` },
      /PLANBRYGGA_ENCRYPTION_ACTIVE_KEY/,
    ],
    [
      'an active key that is not listed',
      { PLANBRYGGA_ENCRYPTION_KEYS: `k1:${key()}`, PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: 'k9' },
      /PLANBRYGGA_ENCRYPTION_ACTIVE_KEY/,
    ],
    [
      'an active key without keys',
      { PLANBRYGGA_ENCRYPTION_ACTIVE_KEY: 'k1' },
      /PLANBRYGGA_ENCRYPTION_ACTIVE_KEY/,
    ],
  ])('stops the process for %s, naming the variable', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a key in the message', () => {
    const secret = randomBytes(20).toString('base64');
    expect(() => loadConfig({ PLANBRYGGA_ENCRYPTION_KEYS: `k1:${secret}` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  it('keeps the blind-index key separate from the encryption keys', () => {
    const shared = key();
    expect(() =>
      loadConfig({ PLANBRYGGA_ENCRYPTION_KEYS: `k1:${shared}`, PLANBRYGGA_INDEX_KEY: shared }),
    ).toThrow(/PLANBRYGGA_INDEX_KEY/);
  });
});
