import { createHash, createHmac } from 'node:crypto';
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

/** JSON with object keys sorted and arrays sorted by their items' canonical JSON. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Blind index of an identity number: an HMAC keyed with a server secret, so the database can
 * be searched by personnummer without holding it in a form anyone can reverse by trying all
 * ~10^10 numbers (a plain hash could be).
 */
export function personIndex(indexKey: string, identityNumber: string): string {
  return createHmac('sha256', indexKey).update(identityNumber).digest('hex');
}
