import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import {
  getPlanStatus,
  getPlanStatusRevision,
  getPlanVersion,
  getPlanVersions,
} from '../../services/plan-query.service.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { grants } from '../auth/route-scopes.js';
import { contentETag, ifNoneMatchHits, notModified, versionETag } from '../etag.js';
import { ETagCache } from '../etag-cache.js';
import { planStatusSchema } from '../lifecycle-schemas.js';
import { problemResponses } from '../problem.js';
import { cacheHeaders, canonicalPlanBody, notModifiedSchema, planIdParams } from '../schemas.js';
import { statusWithoutPlanText } from '../security/status-projection.js';

const versionsSchema = z
  .object({
    id: z.uuid(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        contentHash: z.string(),
        sourceSystem: z.string(),
        createdAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'PlanVersions' });

export function planReadRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const statusETags = new ETagCache();

  r.get('/v1/plans/:id', {
    schema: {
      operationId: 'getPlan',
      summary: 'A plan as canonical JSON: the latest version, or ?version=N',
      tags: ['plans'],
      params: planIdParams,
      querystring: z.object({ version: z.coerce.number().int().min(1).max(1_000_000_000).optional() }),
      headers: cacheHeaders,
      responseHeaders: { 200: ['ETag'], 304: ['ETag'] },
      response: { 200: canonicalPlanBody, 304: notModifiedSchema, ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      const view = await getPlanVersion(ctx, callerOf(request), request.params.id, request.query.version);
      const etag = versionETag(view.version);
      reply.header('etag', etag);
      if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return notModified(reply);
      return reply.send(view.plan);
    },
  });

  r.get('/v1/plans/:id/versions', {
    schema: {
      operationId: 'listPlanVersions',
      summary: 'The version history of a plan',
      tags: ['plans'],
      params: planIdParams,
      response: { 200: versionsSchema, ...problemResponses(401, 403, 404) },
    },
    handler: async (request) => {
      const { id, versions } = await getPlanVersions(ctx, callerOf(request), request.params.id);
      return {
        id,
        versions: versions.map((v) => ({
          version: v.version,
          contentHash: v.content_hash,
          sourceSystem: v.source_system,
          createdAt: v.created_at.toISOString(),
        })),
      };
    },
  });

  r.get('/v1/plans/:id/status', {
    schema: {
      operationId: 'getPlanStatus',
      summary:
        'Lifecycle state, deadlines, overdue reasons, missing content, signatures, submissions and consents of a plan',
      tags: ['status'],
      params: planIdParams,
      headers: cacheHeaders,
      responseHeaders: { 200: ['ETag'], 304: ['ETag'] },
      response: { 200: planStatusSchema, 304: notModifiedSchema, ...problemResponses(401, 403, 404) },
    },
    handler: async (request, reply) => {
      const caller = callerOf(request);
      const projection = grants(caller.scopes, 'plans:read') ? 'full' : 'without-plan-text';
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch) {
        // A poller's usual question, answered from one statement when this process already
        // computed the status from the same inputs.
        const known = await getPlanStatusRevision(ctx, caller, request.params.id);
        const etag = statusETags.get(`${projection};${known.id};${known.revision}`);
        if (etag && ifNoneMatchHits(ifNoneMatch, etag)) {
          setAuditTarget(request, { planId: known.id, version: known.version });
          reply.header('etag', etag);
          return notModified(reply);
        }
      }
      const read = await getPlanStatus(ctx, caller, request.params.id);
      const status = projection === 'full' ? read.status : statusWithoutPlanText(read.status);
      setAuditTarget(request, { planId: status.id, version: status.version });
      const etag = contentETag(JSON.stringify(status));
      statusETags.set(`${projection};${status.id};${read.revision}`, etag);
      reply.header('etag', etag);
      if (ifNoneMatchHits(ifNoneMatch, etag)) return notModified(reply);
      return reply.send(status);
    },
  });
}
