import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com), symmetric signatures.
const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export class WebhookSecretError extends Error {}
export class WebhookVerificationError extends Error {}

/** A fresh secret in the `whsec_<base64>` form: 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). */
export function decodeWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new WebhookSecretError('webhook secret is not base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new WebhookSecretError('webhook secret is shorter than 16 bytes');
  return key;
}

function hmac(key: Buffer, webhookId: string, timestampSeconds: number, body: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.`).update(body).digest();
}

/** The `webhook-signature` header value, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: Uint8Array | string,
) {
  const digest = hmac(decodeWebhookSecret(secret), webhookId, timestampSeconds, body);
  return `${SIGNATURE_VERSION},${digest.toString('base64')}`;
}

/** The three Standard Webhooks headers for one attempt; the id stays the same on every retry. */
export function webhookHeaders(
  secret: string,
  webhookId: string,
  now: Date,
  body: Uint8Array | string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, webhookId, timestamp, body),
  };
}

export interface VerifyOptions {
  now: Date;
  toleranceSeconds?: number;
}

/**
 * Verifies a received webhook as a receiver must: timestamp within the tolerance window,
 * and at least one of the space-separated `v1` signatures matching (constant-time compare).
 * Throws WebhookVerificationError otherwise.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | undefined>,
  body: Uint8Array | string,
  { now, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS }: VerifyOptions,
): void {
  const webhookId = headers['webhook-id'];
  const timestampHeader = headers['webhook-timestamp'];
  const signatureHeader = headers['webhook-signature'];
  if (!webhookId || !timestampHeader || !signatureHeader) {
    throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  }
  if (!/^\d{1,15}$/.test(timestampHeader)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const timestamp = Number(timestampHeader);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('webhook-timestamp outside the tolerance window');
  }
  const expected = hmac(decodeWebhookSecret(secret), webhookId, timestamp, body);
  const matches = signatureHeader.split(' ').some((candidate) => {
    const [version, encoded] = candidate.split(',', 2);
    if (version !== SIGNATURE_VERSION || !encoded) return false;
    const received = Buffer.from(encoded, 'base64');
    return received.length === expected.length && timingSafeEqual(received, expected);
  });
  if (!matches) throw new WebhookVerificationError('no matching signature');
}
