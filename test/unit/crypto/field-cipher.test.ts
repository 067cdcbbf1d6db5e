import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptedSecretCodec } from '../../../src/crypto/destination-secret-codec.js';
import { EnvelopeError, envelopeKeyId } from '../../../src/crypto/envelope.js';
import { createFieldCipher, TEXT_PREFIX } from '../../../src/crypto/field-cipher.js';
import { developmentKeyring, type Keyring } from '../../../src/crypto/keyring.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (activeKeyId: string, ...ids: string[]): Keyring => ({
  activeKeyId,
  keys: new Map(ids.map((id) => [id, id === 'k1' ? k1 : k2])),
});

describe('FieldCipher', () => {
  const cipher = createFieldCipher(ring('k1', 'k1'));
  const context = 'signatures.name:7f1c0e4e-0000-4000-8000-000000000001';

  it('round-trips bytes and text under the context it was sealed with', () => {
    const sealed = cipher.encrypt(Buffer.from('Ingegerd Vallström'), context);
    expect(cipher.decrypt(sealed, context).toString()).toBe('Ingegerd Vallström');
    const text = cipher.encryptText('193808149823', context);
    expect(text.startsWith(TEXT_PREFIX)).toBe(true);
    expect(text).not.toContain('193808149823');
    expect(cipher.decryptText(text, context)).toBe('193808149823');
    expect(cipher.decryptText(cipher.encryptText('', context), context)).toBe('');
  });

  it('stores the key id, a fresh IV per value, and no plaintext', () => {
    const a = cipher.encrypt(Buffer.from('Vallström'), context);
    const b = cipher.encrypt(Buffer.from('Vallström'), context);
    expect(a.equals(b)).toBe(false);
    expect(envelopeKeyId(a)).toBe('k1');
    expect(cipher.keyIdOf(cipher.encryptText('x', context))).toBe('k1');
    expect(a.includes(Buffer.from('Vallström'))).toBe(false);
    // version, id length, "k1", 12-byte IV, 16-byte tag, then as many bytes as the plaintext
    expect(a.length).toBe(2 + 2 + 12 + 16 + Buffer.byteLength('Vallström'));
  });

  it('refuses a value moved to another row, relabelled, altered or truncated', () => {
    const sealed = cipher.encrypt(Buffer.from('Lena Vallström'), context);
    expect(() => cipher.decrypt(sealed, `${context}x`)).toThrow(EnvelopeError);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(flipped, context)).toThrow(EnvelopeError);
    expect(() => cipher.decrypt(sealed.subarray(0, 20), context)).toThrow(EnvelopeError);
    expect(() => cipher.decrypt(Buffer.from('{"plan":{}}'), context)).toThrow(EnvelopeError);
    // The same key under another id: the header is authenticated, so it does not open.
    const relabelled = Buffer.concat([Buffer.from([1, 2]), Buffer.from('k2'), sealed.subarray(4)]);
    const both = createFieldCipher({
      activeKeyId: 'k1',
      keys: new Map([
        ['k1', k1],
        ['k2', k1],
      ]),
    });
    expect(() => both.decrypt(relabelled, context)).toThrow(EnvelopeError);
  });

  it('opens values of every configured key and seals with the active one', () => {
    const old = createFieldCipher(ring('k1', 'k1')).encrypt(Buffer.from('Maria Lund'), context);
    const rotated = createFieldCipher(ring('k2', 'k1', 'k2'));
    expect(rotated.decrypt(old, context).toString()).toBe('Maria Lund');
    expect(envelopeKeyId(rotated.encrypt(Buffer.from('x'), context))).toBe('k2');
    expect(() => createFieldCipher(ring('k2', 'k2')).decrypt(old, context)).toThrow(
      /key "k1".*not configured/,
    );
  });

  it('has a development keyring whose key is not the index key', () => {
    const dev = developmentKeyring();
    expect(dev.keys.get(dev.activeKeyId)).toHaveLength(32);
  });
});

describe('encryptedSecretCodec', () => {
  it('seals a webhook secret so the stored text does not contain it', () => {
    const codec = encryptedSecretCodec(createFieldCipher(ring('k1', 'k1')));
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const sealed = codec.seal(secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(codec.open(sealed)).toBe(secret);
    expect(() => codec.open(`plain:${secret}`)).toThrow();
  });
});
