import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acknowledgeNeedEvaluation,
  inboxNeedEvaluations,
  needEvaluationsOf,
  recordNeedEvaluation,
} from '../../delivery/need-evaluations/need-evaluations.service.js';
import { needEvaluationSchema } from '../../domain/lifecycle/need-evaluations.js';
import type { ServiceContext } from '../../services/context.js';
import { decodeCursor, encodeCursor } from '../../services/list-cursor.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';
import { planIdParams, withDeliveryTimesAsText } from '../schemas.js';

const person = z.object({ name: z.string(), title: z.string() });

export const needEvaluationDeliverySchema = z
  .object({
    id: z.uuid().describe('This delivery of the evaluation; name it in the receipt'),
    planId: z.uuid(),
    version: z.number().int().min(1).describe('The plan version the evaluation was made from'),
    date: z.iso.date(),
    by: person.describe('The kontaktman who evaluated'),
    via: z
      .enum(['webhook', 'inbox'])
      .describe('webhook: to a submission destination; inbox: for receivers that pull'),
    status: z.enum(['queued', 'delivered', 'failed', 'acknowledged']),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
    acknowledgedAt: z.iso.datetime().nullable(),
    acknowledgedBy: z.string().nullable().describe('The API client that confirmed receipt'),
  })
  .meta({ id: 'NeedEvaluation' });

const withSummary = needEvaluationDeliverySchema
  .extend({
    summary: z
      .string()
      .nullable()
      .describe("The kontaktman's evaluation; null once pruned with the plan's content"),
  })
  .meta({ id: 'NeedEvaluationWithSummary' });

const recordedSchema = z
  .object({
    planId: z.uuid(),
    version: z.number().int().min(1),
    needEvaluations: z
      .array(needEvaluationDeliverySchema)
      .describe('One per submission destination, or one in the inbox'),
  })
  .meta({ id: 'NeedEvaluationsRecorded' });

const evaluationParams = z.object({
  id: z.string().describe('The plan id (a UUID)'),
  eid: z.string().describe('The need evaluation id (a UUID)'),
});

/** Routine 003's changed need: the kontaktman's evaluation, delivered to the case officer. */
export function needEvaluationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/plans/:id/need-evaluations', {
    schema: {
      operationId: 'submitNeedEvaluation',
      summary: "Deliver the kontaktman's evaluation of a changed need to the case officer: queued",
      description:
        'Routine 003, "Förändrat stödbehov": the kontaktman evaluates a possibly changed need from the plan, ' +
        'and the evaluation is delivered to the LSS-handläggare before the application for a new needs ' +
        'assessment (behovsbedömning). Delivered like a submission: a signed `plan.need_evaluation` webhook to each ' +
        "of the organisation's submission destinations, or, with none, to the pull inbox " +
        '(GET /v1/inbox/need-evaluations). Its delivery state shows in the plan status (needEvaluations). ' +
        'The summary is personal data: stored encrypted, never logged, not in the status. ' +
        'Refused for an ended plan (409) and for a date after today (422).',
      tags: ['submissions'],
      params: planIdParams,
      body: needEvaluationSchema,
      response: { 202: recordedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
    },
    handler: async (request, reply) => {
      const views = await recordNeedEvaluation(
        ctx,
        callerOf(request),
        request.params.id,
        request.body,
        request.id,
      );
      const first = views[0]!;
      setAuditTarget(request, {
        planId: first.planId,
        version: first.version,
        details: { needEvaluations: views.map((v) => v.id) },
      });
      return reply.code(202).send({
        planId: first.planId,
        version: first.version,
        needEvaluations: views.map(withDeliveryTimesAsText),
      });
    },
  });

  r.get('/v1/plans/:id/need-evaluations', {
    schema: {
      operationId: 'listNeedEvaluations',
      summary: "The plan's need evaluations and their deliveries, oldest first, with their summaries",
      tags: ['submissions'],
      params: planIdParams,
      response: {
        200: z
          .object({ planId: z.uuid(), needEvaluations: z.array(withSummary) })
          .meta({ id: 'NeedEvaluationList' }),
        ...problemResponses(401, 403, 404),
      },
    },
    handler: async (request) => {
      const { planId, needEvaluations } = await needEvaluationsOf(ctx, callerOf(request), request.params.id);
      return { planId, needEvaluations: needEvaluations.map(withDeliveryTimesAsText) };
    },
  });

  r.post('/v1/plans/:id/need-evaluations/:eid/receipt', {
    schema: {
      operationId: 'recordNeedEvaluationReceipt',
      summary: "The case officer's system confirms it has the need evaluation (webhook or inbox)",
      description:
        'Idempotent: a second receipt answers the same. An evaluation that failed to be delivered cannot be ' +
        'acknowledged (409). An acknowledged inbox evaluation leaves the inbox.',
      tags: ['submissions'],
      params: evaluationParams,
      response: { 200: needEvaluationDeliverySchema, ...problemResponses(401, 403, 404, 409) },
    },
    handler: async (request) =>
      withDeliveryTimesAsText(
        await acknowledgeNeedEvaluation(ctx, callerOf(request), request.params.id, request.params.eid),
      ),
  });

  r.get('/v1/inbox/need-evaluations', {
    schema: {
      operationId: 'listInboxNeedEvaluations',
      summary: "Need evaluations waiting for the caller's organisation, oldest first, until acknowledged",
      description:
        'For case-officer systems that pull instead of receiving webhooks: each with its summary; ' +
        'confirm one with POST /v1/plans/{planId}/need-evaluations/{id}/receipt.',
      tags: ['submissions'],
      querystring: z.object({
        cursor: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: {
        200: z
          .object({ items: z.array(withSummary), nextCursor: z.string().nullable() })
          .meta({ id: 'NeedEvaluationInboxPage' }),
        ...problemResponses(400, 401, 403),
      },
    },
    handler: async (request) => {
      const { cursor, limit } = request.query;
      const items = await inboxNeedEvaluations(ctx, callerOf(request), {
        limit: limit + 1,
        ...(cursor !== undefined && { after: decodeCursor(cursor) }),
      });
      const page = items.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(withDeliveryTimesAsText),
        nextCursor:
          items.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    },
  });
}
