import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Plan } from '../plan.js';

/**
 * The hash a signature binds to: the version's content without what signing itself changes.
 * Left out are the signatures (a push that only adds one must not start a new round and
 * void the others), `dates.communicated` (records when the plan was handed over, an event
 * about the content rather than content) and `plan.sourcePlanId` (identifies, does not
 * describe; formats/README.md 3.9). Lists carry no order (3.4), so items are sorted by their
 * canonical form and the same plan in any order hashes the same. Everything else — a new
 * goal, a follow-up date, a consent — is content, and changing it starts a new signing round.
 */
export function signedContentHash(plan: Plan): string {
  const { signatures: _signatures, ...content } = plan;
  const { communicated: _communicated, ...dates } = plan.dates;
  const { sourcePlanId: _sourcePlanId, ...header } = plan.plan;
  const canonical = canonicalJson({ ...content, plan: header, dates });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
