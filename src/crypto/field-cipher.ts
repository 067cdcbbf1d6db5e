import { envelopeKeyId, open, seal } from './envelope.js';
import type { Keyring } from './keyring.js';

/** Marks an encrypted value in a text column: the base64 of its envelope follows. */
export const TEXT_PREFIX = 'pbe1:';

/**
 * Encrypts personal data for storage (AES-256-GCM, the active key). `context` says where the
 * value lives, e.g. `signatures.signer_name:<row id>`; the same context must be given to
 * decrypt it, which is what stops a value being moved to another row or column. Build it
 * from values that never change for the row (ids), never from the value itself.
 */
export interface FieldCipher {
  readonly activeKeyId: string;
  encrypt(plaintext: Uint8Array, context: string): Buffer;
  decrypt(sealed: Uint8Array, context: string): Buffer;
  /** For text columns: `pbe1:<base64 envelope>`. */
  encryptText(value: string, context: string): string;
  decryptText(sealed: string, context: string): string;
  /** The key id a stored value (bytes or text form) was encrypted with. */
  keyIdOf(sealed: Uint8Array | string): string;
}

export function createFieldCipher(keyring: Keyring): FieldCipher {
  const activeKey = keyring.keys.get(keyring.activeKeyId);
  if (!activeKey) throw new Error('the active encryption key is not in the keyring');
  const keyFor = (keyId: string) => keyring.keys.get(keyId);
  const encrypt = (plaintext: Uint8Array, context: string) =>
    seal(activeKey, keyring.activeKeyId, plaintext, context);
  const decrypt = (sealed: Uint8Array, context: string) => open(sealed, keyFor, context);
  return {
    activeKeyId: keyring.activeKeyId,
    encrypt,
    decrypt,
    encryptText: (value, context) =>
      `${TEXT_PREFIX}${encrypt(Buffer.from(value, 'utf8'), context).toString('base64')}`,
    decryptText: (sealed, context) => decrypt(textEnvelope(sealed), context).toString('utf8'),
    keyIdOf: (sealed) => envelopeKeyId(typeof sealed === 'string' ? textEnvelope(sealed) : sealed),
  };
}

function textEnvelope(sealed: string): Buffer {
  if (!sealed.startsWith(TEXT_PREFIX)) throw new Error('not an encrypted text value');
  return Buffer.from(sealed.slice(TEXT_PREFIX.length), 'base64');
}
