import { describe, expect, it } from 'vitest';
import {
  decodeWebhookSecret,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  WebhookSecretError,
  WebhookVerificationError,
  webhookHeaders,
} from '../../../src/delivery/contract/webhook-signature.js';

// The published test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorTime = new Date(VECTOR.timestamp * 1000);
const vectorHeaders = {
  'webhook-id': VECTOR.msgId,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': VECTOR.signature,
};

describe('signWebhook', () => {
  it('reproduces the published Standard Webhooks test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.msgId, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it('signs bytes the same as the equal string', () => {
    const bytes = new TextEncoder().encode(VECTOR.payload);
    expect(signWebhook(VECTOR.secret, VECTOR.msgId, VECTOR.timestamp, bytes)).toBe(VECTOR.signature);
  });

  it('accepts the secret without its whsec_ prefix, as the reference libraries do', () => {
    expect(
      signWebhook('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', VECTOR.msgId, VECTOR.timestamp, VECTOR.payload),
    ).toBe(VECTOR.signature);
  });

  it('builds the three headers with a whole-second timestamp', () => {
    const headers = webhookHeaders(
      VECTOR.secret,
      VECTOR.msgId,
      new Date(VECTOR.timestamp * 1000 + 999),
      VECTOR.payload,
    );
    expect(headers).toEqual(vectorHeaders);
  });

  it('refuses secrets that are not base64 or too short', () => {
    expect(() => decodeWebhookSecret('whsec_not base64!')).toThrow(WebhookSecretError);
    expect(() => decodeWebhookSecret('whsec_AAAA')).toThrow(WebhookSecretError);
  });

  it('generates 32-byte whsec_ secrets', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(decodeWebhookSecret(secret)).toHaveLength(32);
  });
});

describe('verifyWebhook', () => {
  const verify = (headers: Record<string, string | undefined>, body = VECTOR.payload, now = vectorTime) =>
    verifyWebhook(VECTOR.secret, headers, body, { now });

  it('accepts the published vector at its own time', () => {
    expect(() => verify(vectorHeaders)).not.toThrow();
  });

  it('rejects a changed body, id or timestamp', () => {
    expect(() => verify(vectorHeaders, '{"test": 2432232315}')).toThrow(WebhookVerificationError);
    expect(() => verify({ ...vectorHeaders, 'webhook-id': 'msg_other' })).toThrow(WebhookVerificationError);
    expect(() => verify({ ...vectorHeaders, 'webhook-timestamp': String(VECTOR.timestamp + 1) })).toThrow(
      WebhookVerificationError,
    );
  });

  it('rejects missing headers, a non-numeric timestamp and partial signatures', () => {
    expect(() => verify({ ...vectorHeaders, 'webhook-id': undefined })).toThrow(WebhookVerificationError);
    expect(() => verify({ ...vectorHeaders, 'webhook-signature': undefined })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verify({ ...vectorHeaders, 'webhook-timestamp': 'hello' })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verify({ ...vectorHeaders, 'webhook-signature': VECTOR.signature.slice(0, 8) })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verify({ ...vectorHeaders, 'webhook-signature': 'v1,' })).toThrow(WebhookVerificationError);
  });

  it('enforces the tolerance window both ways', () => {
    const fiveMinutes = 5 * 60 * 1000;
    expect(() =>
      verify(vectorHeaders, VECTOR.payload, new Date(vectorTime.getTime() + fiveMinutes)),
    ).not.toThrow();
    expect(() =>
      verify(vectorHeaders, VECTOR.payload, new Date(vectorTime.getTime() + fiveMinutes + 1000)),
    ).toThrow(WebhookVerificationError);
    expect(() =>
      verify(vectorHeaders, VECTOR.payload, new Date(vectorTime.getTime() - fiveMinutes - 1000)),
    ).toThrow(WebhookVerificationError);
  });

  it('accepts when any one of several space-separated signatures matches, ignoring other versions', () => {
    const other = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const header = [`v1,${other}`, `v2,${other}`, VECTOR.signature, `v1,${other}`].join(' ');
    expect(() => verify({ ...vectorHeaders, 'webhook-signature': header })).not.toThrow();
    expect(() =>
      verify({ ...vectorHeaders, 'webhook-signature': `v1,${other} v2,${VECTOR.signature.slice(3)}` }),
    ).toThrow(WebhookVerificationError);
  });
});
