import { z } from 'zod';
import { decodeWebhookSecret, WebhookSecretError } from '../contract/webhook-signature.js';
import { DESTINATION_KINDS } from '../schema.js';

/** What `destinations create` (CLI or admin API) accepts; errors name fields, never the secret. */
export const newDestinationSchema = z.strictObject({
  organisation: z.string().regex(/^\d{4}$/, 'must be a four-digit municipality code'),
  kind: z.enum(DESTINATION_KINDS),
  system: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a system name such as pulsen-combine'),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().refine((secret) => {
    if (!secret.startsWith('whsec_')) return false;
    try {
      decodeWebhookSecret(secret);
      return true;
    } catch (error) {
      if (error instanceof WebhookSecretError) return false;
      throw error;
    }
  }, 'must be whsec_ followed by at least 16 base64-encoded bytes'),
});
