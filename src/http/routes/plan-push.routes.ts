import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MAX_DOCUMENT_BYTES } from '../../../adapters/types.js';
import { parseCanonicalPlan, toFieldIssues } from '../../domain/parse-plan.js';
import type { ServiceContext } from '../../services/context.js';
import { invalidPlan } from '../../services/errors.js';
import { type PushResult, pushPlan } from '../../services/plan-push.service.js';
import { auditDraft, auditRecordedWithWrite, setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { parseIfMatch, versionETag } from '../etag.js';
import { problemResponses } from '../problem.js';
import { canonicalPlanBody, pushHeaders, pushResultSchema } from '../schemas.js';

/** The source system of plans pushed as canonical JSON. */
export const CANONICAL_SOURCE = 'canonical';

export function planPushRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/plans', {
    bodyLimit: MAX_DOCUMENT_BYTES,
    schema: {
      operationId: 'pushPlan',
      summary: 'Push a plan as canonical JSON',
      tags: ['plans'],
      headers: pushHeaders,
      body: canonicalPlanBody,
      responseHeaders: { 200: ['ETag'], 201: ['ETag', 'Location'] },
      response: {
        200: pushResultSchema.describe('Identical to the stored version: nothing changed'),
        201: pushResultSchema.describe('A new plan or a new version was stored'),
        ...problemResponses(400, 401, 403, 409, 412, 413, 422),
      },
    },
    handler: async (request, reply) => {
      const parsed = parseCanonicalPlan(request.body);
      if (!parsed.ok) throw invalidPlan(toFieldIssues(parsed.issues));
      const result = await pushPlan(ctx, {
        caller: callerOf(request),
        sourceSystem: CANONICAL_SOURCE,
        plan: parsed.plan,
        warnings: [],
        ifMatch: parseIfMatch(request.headers['if-match']),
        requestId: request.id,
        audit: auditDraft(ctx, request),
      });
      return sendPushResult(reply, result);
    },
  });
}

/**
 * 201 with Location for a new plan or version, 200 when nothing changed; shared by every push
 * route. A push that stored something stored the request's audit entry with it.
 */
export function sendPushResult(reply: FastifyReply, result: PushResult): FastifyReply {
  const { created, ...body } = result;
  setAuditTarget(reply.request, { planId: result.id, version: result.version });
  reply.header('etag', versionETag(result.version));
  if (!created) return reply.code(200).send(body);
  auditRecordedWithWrite(reply.request);
  const location =
    result.version === 1 ? `/v1/plans/${result.id}` : `/v1/plans/${result.id}?version=${result.version}`;
  return reply.code(201).header('location', location).send(body);
}
