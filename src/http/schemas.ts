import { z } from 'zod';
import { planSchema } from '../domain/plan.js';

/**
 * The canonical plan as a request and response body. Routes that carry it skip the generic
 * zod validator and serializer (see zod-compilers.ts): the body is checked by
 * `parseCanonicalPlan`, which applies the format rules and answers 422 with canonical paths,
 * and stored plans are sent as they were stored.
 */
export const canonicalPlanBody = planSchema.meta({
  id: 'CanonicalPlan',
  description: 'A genomförandeplan in the canonical model (formats/README.md section 2).',
});

export const fieldIssueSchema = z
  .object({
    path: z.string().describe('JSON Pointer to the field (RFC 6901); empty for the whole body or request'),
    message: z.string().describe('What is wrong with it, in plain words'),
  })
  .meta({ id: 'FieldIssue' });

export const pushResultSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int().min(1),
    status: z.string(),
    warnings: z.array(fieldIssueSchema),
  })
  .meta({ id: 'PushResult' });

export const planSummarySchema = z
  .object({
    id: z.uuid(),
    sourceSystem: z.string(),
    sourcePlanId: z.string(),
    unitId: z.string(),
    law: z.string(),
    serviceType: z.string(),
    status: z.string(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'PlanSummary' });

export const planIdParams = z.object({ id: z.string().describe('The plan id (a UUID)') });

export const pushHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'Makes a retried POST safe: same key and body, same answer, for 24 hours (then the key is forgotten)',
    ),
  'if-match': z
    .string()
    .optional()
    .describe('ETag of the version this push replaces ("vN"); 412 if not current'),
});

/** `If-None-Match` of reads that answer 304 while the representation is unchanged. */
export const cacheHeaders = z.looseObject({
  'if-none-match': z
    .string()
    .optional()
    .describe('The ETag of the representation the client holds; 304 without a body while it is current'),
});

/** The 304 of a conditional read: no body. */
export const notModifiedSchema = z
  .null()
  .describe('Not modified: the ETag sent in If-None-Match is still current');

/** The times of a delivery (a submission, a need evaluation) as the API writes them: ISO 8601 text. */
export function withDeliveryTimesAsText<
  V extends { createdAt: Date; deliveredAt: Date | null; acknowledgedAt: Date | null },
>(view: V) {
  return {
    ...view,
    createdAt: view.createdAt.toISOString(),
    deliveredAt: view.deliveredAt?.toISOString() ?? null,
    acknowledgedAt: view.acknowledgedAt?.toISOString() ?? null,
  };
}
