import { createHash } from 'node:crypto';
import { KEY_ID_PATTERN } from './envelope.js';

/** The encryption keys a process holds: every key still needed to read, and the one new values use. */
export interface Keyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * The development fallback. It is public, so data encrypted with it is not protected;
 * `loadConfig` flags its use so the process warns loudly. Derived from a different text than
 * the development index key, so the two are never the same secret.
 */
export const DEVELOPMENT_KEY_ID = 'dev';
export function developmentKeyring(): Keyring {
  const key = createHash('sha256')
    .update('planbrygga development encryption key; never use in production')
    .digest();
  return { activeKeyId: DEVELOPMENT_KEY_ID, keys: new Map([[DEVELOPMENT_KEY_ID, key]]) };
}

/** A configuration mistake, with the environment variable it is in. Never repeats a key. */
export class KeyringError extends Error {
  constructor(
    readonly variable: 'PLANBRYGGA_ENCRYPTION_KEYS' | 'PLANBRYGGA_ENCRYPTION_ACTIVE_KEY',
    message: string,
  ) {
    super(message);
  }
}

const KEYS = 'PLANBRYGGA_ENCRYPTION_KEYS';
const ACTIVE = 'PLANBRYGGA_ENCRYPTION_ACTIVE_KEY';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Parses `PLANBRYGGA_ENCRYPTION_KEYS` (`id:<base64 of 32 bytes>,id2:…`) and the active key id.
 * Throws a KeyringError naming the variable and the problem.
 */
export function parseKeyring(list: string, active: string | undefined): Keyring {
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of list.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (separator < 0 || !KEY_ID_PATTERN.test(id)) {
      throw new KeyringError(
        KEYS,
        `entry ${index + 1} must be KEYID:BASE64 with a key id of 1–32 characters A-Z a-z 0-9 _ . -`,
      );
    }
    if (keys.has(id)) throw new KeyringError(KEYS, `key id "${id}" appears twice`);
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (key.length !== 32)
      throw new KeyringError(KEYS, `key "${id}" must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
    keys.set(id, key);
  }
  const activeKeyId = active ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (activeKeyId === undefined) {
    throw new KeyringError(ACTIVE, 'must name the key for new values when there are several keys');
  }
  if (!keys.has(activeKeyId))
    throw new KeyringError(ACTIVE, `"${activeKeyId}" is not among PLANBRYGGA_ENCRYPTION_KEYS`);
  return { activeKeyId, keys };
}
