import { describe, expect, it } from 'vitest';
import { newDestinationSchema } from '../../../src/delivery/destinations/destination.schema.js';
import { plainSecretCodec } from '../../../src/delivery/destinations/destinations.repository.js';

const valid = {
  organisation: '0180',
  kind: 'submission',
  system: 'pulsen-combine',
  url: 'https://handlaggning.example.se/inbox',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

describe('newDestinationSchema', () => {
  it('accepts a destination', () => {
    expect(newDestinationSchema.parse(valid)).toEqual(valid);
  });

  it('names each bad field and never echoes the secret', () => {
    const result = newDestinationSchema.safeParse({
      organisation: 'Stockholm',
      kind: 'email',
      system: 'Pulsen Combine',
      url: 'ftp://example.se',
      secret: 'hunter2-not-a-webhook-secret',
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(['organisation', 'kind', 'system', 'url', 'secret']);
    expect(JSON.stringify(result.error!.issues)).not.toContain('hunter2');
  });

  it('refuses a whsec_ secret that is too short', () => {
    expect(newDestinationSchema.safeParse({ ...valid, secret: 'whsec_AAAA' }).success).toBe(false);
  });
});

describe('plainSecretCodec', () => {
  it('round-trips and refuses values sealed by an unknown scheme', () => {
    expect(plainSecretCodec.open(plainSecretCodec.seal(valid.secret))).toBe(valid.secret);
    expect(() => plainSecretCodec.open('aes:abc')).toThrow('unknown scheme');
  });
});
