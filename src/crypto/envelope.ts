import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The stored form of one encrypted value (AES-256-GCM):
 *
 *   version (1 byte, 1) | key id length (1 byte) | key id (ASCII) | IV (12) | tag (16) | ciphertext
 *
 * The header (version and key id) and the caller's context (which table, column and row the
 * value belongs to) are authenticated as additional data, so a value copied into another
 * row, or relabelled with another key id, fails to open instead of decrypting.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

export class EnvelopeError extends Error {}

export function seal(key: Buffer, keyId: string, plaintext: Uint8Array, context: string): Buffer {
  if (key.length !== KEY_BYTES) throw new EnvelopeError('an encryption key is 32 bytes');
  const header = headerOf(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(header, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
}

/** Opens an envelope with the key its header names; `keyFor` returns undefined for an unknown key id. */
export function open(
  envelope: Uint8Array,
  keyFor: (keyId: string) => Buffer | undefined,
  context: string,
): Buffer {
  const { keyId, headerLength } = parseHeader(envelope);
  const key = keyFor(keyId);
  if (!key) throw new EnvelopeError(`the value is encrypted with key "${keyId}", which is not configured`);
  const bytes = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const iv = bytes.subarray(headerLength, headerLength + IV_BYTES);
  const tag = bytes.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(additionalData(bytes.subarray(0, headerLength), context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(headerLength + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new EnvelopeError('the value does not open: altered, moved to another row, or a wrong key');
  }
}

/** The key id an envelope names, without opening it (rotation and `keys status`). */
export function envelopeKeyId(envelope: Uint8Array): string {
  return parseHeader(envelope).keyId;
}

/** True when the bytes start like an envelope of this module (a plain JSON document never does). */
export function looksSealed(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === VERSION;
}

function headerOf(keyId: string): Buffer {
  if (!KEY_ID_PATTERN.test(keyId)) throw new EnvelopeError('a key id is 1–32 characters A-Z a-z 0-9 _ . -');
  return Buffer.concat([Buffer.from([VERSION, keyId.length]), Buffer.from(keyId, 'ascii')]);
}

function parseHeader(envelope: Uint8Array): { keyId: string; headerLength: number } {
  if (envelope.length < 2 || envelope[0] !== VERSION) throw new EnvelopeError('not an encrypted value');
  const idLength = envelope[1] ?? 0;
  const headerLength = 2 + idLength;
  if (idLength === 0 || envelope.length < headerLength + IV_BYTES + TAG_BYTES) {
    throw new EnvelopeError('the encrypted value is truncated');
  }
  const keyId = Buffer.from(envelope.subarray(2, headerLength)).toString('ascii');
  if (!KEY_ID_PATTERN.test(keyId)) throw new EnvelopeError('the encrypted value names no valid key id');
  return { keyId, headerLength };
}

function additionalData(header: Uint8Array, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(context, 'utf8')]);
}
