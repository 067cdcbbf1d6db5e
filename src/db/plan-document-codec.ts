import type { Plan } from '../domain/plan.js';

/**
 * How a canonical plan is stored in `plan_versions.document`. Callers only see plans; the
 * byte format (plain JSON today, encrypted later) is this module's business.
 */
export interface PlanDocumentCodec {
  encode(plan: Plan): Buffer;
  decode(document: Buffer): Plan;
}

/** Plain UTF-8 JSON. The stored plan has already passed `parseCanonicalPlan`, so decode trusts it. */
export const jsonPlanDocumentCodec: PlanDocumentCodec = {
  encode: (plan) => Buffer.from(JSON.stringify(plan), 'utf8'),
  decode: (document) => JSON.parse(document.toString('utf8')) as Plan,
};
