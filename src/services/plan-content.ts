import { createHmac } from 'node:crypto';

/**
 * Blind index of an identity number: an HMAC keyed with a server secret, so the database can
 * be searched by personnummer without holding it in a form anyone can reverse by trying all
 * ~10^10 numbers (a plain hash could be).
 */
export function personIndex(indexKey: string, identityNumber: string): string {
  return createHmac('sha256', indexKey).update(identityNumber).digest('hex');
}
