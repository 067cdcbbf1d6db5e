import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isCalendarDate } from '../../domain/calendar-date.js';
import { checkIdentityNumber } from '../../domain/identity-number.js';
import type { ServiceContext } from '../../services/context.js';
import { erasePlan } from '../../services/erasure.service.js';
import { invalidRequest } from '../../services/errors.js';
import { placeLegalHold, releaseLegalHold } from '../../services/legal-holds.service.js';
import { endPlan } from '../../services/plan-end.service.js';
import { subjectAccess } from '../../services/subject-access.service.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';
import { planIdParams } from '../schemas.js';

const reason = z.string().trim().min(1).max(2000);
const endBody = z.object({
  date: z
    .string()
    .refine(isCalendarDate, 'must be a date that exists, written YYYY-MM-DD')
    .describe('The day the intervention ended (Stockholm), today or earlier'),
  reason,
});
const endResult = z
  .object({ planId: z.uuid(), version: z.number().int(), status: z.literal('ended'), endedOn: z.string() })
  .meta({ id: 'PlanEnd' });
const holdResult = z
  .object({ id: z.uuid(), planId: z.uuid(), createdAt: z.iso.datetime() })
  .meta({ id: 'LegalHold' });
const erasureResult = z
  .object({ planId: z.uuid(), versions: z.array(z.number().int()), erasedAt: z.iso.datetime() })
  .meta({ id: 'Erasure' });
const subjectAccessResult = z
  .object({
    plans: z.array(
      z.object({
        id: z.uuid(),
        sourceSystem: z.string(),
        sourcePlanId: z.string(),
        unitId: z.string(),
        status: z.string(),
        createdAt: z.iso.datetime(),
        ended: z.object({ on: z.string(), version: z.number().int() }).nullable(),
        holds: z.array(z.object({ id: z.uuid(), createdAt: z.iso.datetime() })),
        versions: z.array(
          z.object({
            version: z.number().int(),
            contentHash: z.string(),
            sourceSystem: z.string(),
            createdAt: z.iso.datetime(),
            content: z.enum(['held', 'pruned']),
            prunedAt: z.iso.datetime().nullable(),
            pruneReason: z.string().nullable(),
          }),
        ),
        submissions: z.array(
          z.object({
            id: z.uuid(),
            version: z.number().int(),
            status: z.string(),
            createdAt: z.iso.datetime(),
            deliveredAt: z.iso.datetime().nullable(),
            acknowledgedAt: z.iso.datetime().nullable(),
          }),
        ),
        needEvaluations: z
          .array(
            z.object({
              id: z.uuid(),
              version: z.number().int(),
              date: z.iso.date(),
              status: z.string(),
              createdAt: z.iso.datetime(),
              deliveredAt: z.iso.datetime().nullable(),
              acknowledgedAt: z.iso.datetime().nullable(),
              summary: z.enum(['held', 'pruned']),
            }),
          )
          .describe(
            "Routine 003's need evaluations: whether each summary is still held (it is plan content)",
          ),
        accesses: z.array(
          z.object({
            at: z.iso.datetime(),
            clientId: z.string().nullable(),
            action: z.string(),
            outcome: z.string(),
          }),
        ),
        accessesTruncated: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'SubjectAccess' });

/** A plan's end, legal holds, erasure, and what is held about a person (docs/data-protection.md). */
export function dataProtectionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/plans/:id/end', {
    schema: {
      operationId: 'endPlan',
      summary: 'Record that the intervention ended: deadlines and follow-ups stop until a new version',
      tags: ['status'],
      params: planIdParams,
      body: endBody,
      response: { 200: endResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    handler: async (request) =>
      endPlan(ctx, callerOf(request), request.params.id, { ...request.body, requestId: request.id }),
  });

  r.post('/v1/plans/:id/holds', {
    schema: {
      operationId: 'placeLegalHold',
      summary: 'Place a legal hold: retention and erasure leave the plan alone until it is released',
      tags: ['admin'],
      params: planIdParams,
      body: z.object({ reason }),
      response: { 201: holdResult, ...problemResponses(400, 401, 403, 404, 422) },
    },
    handler: async (request, reply) => {
      const hold = await placeLegalHold(ctx, callerOf(request), request.params.id, request.body.reason);
      setAuditTarget(request, { details: { holdId: hold.id } });
      return reply
        .code(201)
        .send({ id: hold.id, planId: hold.planId, createdAt: hold.createdAt.toISOString() });
    },
  });

  r.delete('/v1/plans/:id/holds/:holdId', {
    schema: {
      operationId: 'releaseLegalHold',
      summary: 'Release a legal hold',
      tags: ['admin'],
      params: planIdParams.extend({ holdId: z.string().describe('The hold id (a UUID)') }),
      response: { 204: z.null(), ...problemResponses(401, 403, 404) },
    },
    handler: async (request, reply) => {
      await releaseLegalHold(ctx, callerOf(request), request.params.id, request.params.holdId);
      setAuditTarget(request, { details: { holdId: request.params.holdId.toLowerCase() } });
      return reply.code(204).send(null);
    },
  });

  r.post('/v1/plans/:id/erasure', {
    schema: {
      operationId: 'erasePlan',
      summary: "Erase every version's content at once, on the controller's word; metadata stays",
      tags: ['admin'],
      params: planIdParams,
      body: z.object({ reason }),
      response: { 200: erasureResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    handler: async (request) => {
      const erased = await erasePlan(ctx, callerOf(request), request.params.id, request.id);
      setAuditTarget(request, { details: { versions: erased.versions } });
      return { ...erased, erasedAt: erased.erasedAt.toISOString() };
    },
  });

  // POST, so the identity number travels in the body and never in a URL or access log.
  r.post('/v1/admin/subject-access', {
    schema: {
      operationId: 'getSubjectAccess',
      summary: 'What is held about a person (registerutdrag): plans, versions, deliveries, holds, accesses',
      tags: ['admin'],
      body: z.object({
        personnummer: z.string().describe('12 digits YYYYMMDDNNNC; personnummer or samordningsnummer'),
      }),
      response: { 200: subjectAccessResult, ...problemResponses(400, 401, 403, 422) },
    },
    handler: async (request) => {
      const identityNumber = request.body.personnummer.trim();
      if (!checkIdentityNumber(identityNumber).ok) {
        throw invalidRequest([
          { path: '/personnummer', message: 'must be a valid 12-digit personnummer or samordningsnummer' },
        ]);
      }
      const held = await subjectAccess(ctx, callerOf(request), identityNumber);
      setAuditTarget(request, { details: { planIds: held.plans.map((plan) => plan.id) } });
      return held;
    },
  });
}
