import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlanRow } from '../../db/schema.js';
import { checkIdentityNumber } from '../../domain/identity-number.js';
import { PLAN_STATES } from '../../domain/lifecycle/lifecycle.js';
import type { ServiceContext } from '../../services/context.js';
import { invalidRequest } from '../../services/errors.js';
import { listOwnPlans, searchByIdentityNumber } from '../../services/plan-query.service.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';
import { planSummarySchema } from '../schemas.js';

const listQuery = z.object({
  status: z.enum(PLAN_STATES).optional().describe('Only plans in this lifecycle state'),
  unit: z.string().min(1).max(200).optional().describe("The provider's unit id (enhet)"),
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Only plans that are (true) or are not (false) overdue, as of the last evaluation'),
  cursor: z.string().max(512).optional().describe('Opaque; the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const pageSchema = z
  .object({ items: z.array(planSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PlanPage' });

const searchBody = z
  .strictObject({
    personnummer: z.string().describe('12 digits YYYYMMDDNNNC; personnummer or samordningsnummer'),
  })
  .meta({ id: 'PlanSearch' });

export function planListRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/plans', {
    schema: {
      operationId: 'listPlans',
      summary: "List the organisation's plans",
      tags: ['plans'],
      querystring: listQuery,
      response: { 200: pageSchema, ...problemResponses(400, 401, 403) },
    },
    handler: async (request) => {
      const { status, unit, overdue, cursor, limit } = request.query;
      const page = await listOwnPlans(ctx, callerOf(request), {
        limit,
        ...(status !== undefined && { status }),
        ...(overdue !== undefined && { overdue }),
        ...(unit !== undefined && { unitId: unit }),
        ...(cursor !== undefined && { cursor }),
      });
      return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
    },
  });

  // POST, so the identity number travels in the body and never in a URL or access log.
  r.post('/v1/plans/search', {
    schema: {
      operationId: 'searchPlans',
      summary: 'Find plans by personnummer',
      tags: ['plans'],
      body: searchBody,
      response: {
        200: z.object({ items: z.array(planSummarySchema) }),
        ...problemResponses(400, 401, 403, 422),
      },
    },
    handler: async (request) => {
      const identityNumber = request.body.personnummer.trim();
      const check = checkIdentityNumber(identityNumber);
      if (!check.ok) {
        throw invalidRequest([
          { path: '/personnummer', message: 'must be a valid 12-digit personnummer or samordningsnummer' },
        ]);
      }
      const rows = await searchByIdentityNumber(ctx, callerOf(request), identityNumber);
      // The audit log keeps which plans a search revealed, so "who read this person's plan" finds it.
      setAuditTarget(request, { details: { planIds: rows.map((row) => row.id) } });
      return { items: rows.map(toSummary) };
    },
  });
}

function toSummary(row: PlanRow): z.output<typeof planSummarySchema> {
  return {
    id: row.id,
    sourceSystem: row.source_system,
    sourcePlanId: row.source_plan_id,
    unitId: row.unit_id,
    law: row.law,
    serviceType: row.service_type,
    status: row.status,
    version: row.current_version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
