import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Plan } from '../domain/plan.js';

/**
 * Hash of what a plan says (formats/README.md 3.9): lists carry no order, so every list is
 * sorted; the source plan id identifies rather than describes, so it is left out. Two pushes
 * with the same hash are the same content and make no new version.
 */
export function planContentHash(plan: Plan): string {
  const { sourcePlanId: _identifier, ...described } = plan.plan;
  return createHash('sha256')
    .update(canonicalJson({ ...plan, plan: described }))
    .digest('hex');
}

/**
 * Blind index of an identity number: an HMAC keyed with a server secret, so the database can
 * be searched by personnummer without holding it in a form anyone can reverse by trying all
 * ~10^10 numbers (a plain hash could be).
 */
export function personIndex(indexKey: string, identityNumber: string): string {
  return createHmac('sha256', indexKey).update(identityNumber).digest('hex');
}
