import type { DestinationSecretCodec } from '../delivery/destinations/destinations.repository.js';
import { encryptionContexts } from './contexts.js';
import type { FieldCipher } from './field-cipher.js';

/** Webhook signing secrets encrypted at rest (`pbe1:` text), opened only by the worker that signs. */
export function encryptedSecretCodec(cipher: FieldCipher): DestinationSecretCodec {
  return {
    seal: (secret) => cipher.encryptText(secret, encryptionContexts.destinationSecret()),
    open: (sealed) => cipher.decryptText(sealed, encryptionContexts.destinationSecret()),
  };
}
