import { encryptionContexts } from '../crypto/contexts.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Plan } from '../domain/plan.js';

/** Which stored version a document is: bound into its encryption, so documents cannot trade places. */
export interface PlanDocumentRef {
  planId: string;
  version: number;
}

/**
 * How a canonical plan is stored in `plan_versions.document`. Callers only see plans; the
 * byte format is this module's business.
 */
export interface PlanDocumentCodec {
  encode(plan: Plan, ref: PlanDocumentRef): Buffer;
  decode(document: Buffer, ref: PlanDocumentRef): Plan;
}

const context = (ref: PlanDocumentRef): string => encryptionContexts.planDocument(ref.planId, ref.version);

/**
 * UTF-8 JSON encrypted with AES-256-GCM: the document holds the personnummer, names and
 * health details, so it is never stored in clear. The stored plan has already passed
 * `parseCanonicalPlan`, so decode trusts its shape.
 */
export function encryptedPlanDocumentCodec(cipher: FieldCipher): PlanDocumentCodec {
  return {
    encode: (plan, ref) => cipher.encrypt(Buffer.from(JSON.stringify(plan), 'utf8'), context(ref)),
    decode: (document, ref) => JSON.parse(cipher.decrypt(document, context(ref)).toString('utf8')) as Plan,
  };
}
