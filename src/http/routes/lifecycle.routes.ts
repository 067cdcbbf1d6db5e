import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cooperationSchema } from '../../domain/lifecycle/cooperation.js';
import { deviationSchema, monthSchema } from '../../domain/lifecycle/deviations.js';
import { reviewSchema } from '../../domain/lifecycle/reviews.js';
import { consentSchema } from '../../domain/plan.js';
import type { ServiceContext } from '../../services/context.js';
import { recordCooperation } from '../../services/cooperation.service.js';
import { deviationsOfMonth, recordConsent, recordDeviation } from '../../services/plan-records.service.js';
import { recordReview, reviewsOf } from '../../services/reviews.service.js';
import { signPlan } from '../../services/signatures.service.js';
import { callerOf } from '../auth/authentication.js';
import {
  compilationSchema,
  consentStatusSchema,
  deviationResultSchema,
  reviewListSchema,
  signatureBody,
  signatureResultSchema,
  storedCooperationSchema,
  storedReviewSchema,
} from '../lifecycle-schemas.js';
import { problemResponses } from '../problem.js';
import { planIdParams } from '../schemas.js';

const deviationView = <T extends { recordedAt: Date }>(d: T) => ({
  ...d,
  recordedAt: d.recordedAt.toISOString(),
});
const reviewView = deviationView;

/** Signatures, deviations, reviews and consents of a plan: what happens to it besides its versions. */
export function lifecycleRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/plans/:id/signatures', {
    schema: {
      operationId: 'signPlan',
      summary: 'Record a signature, or a refusal with its reason, for the current version',
      tags: ['status'],
      params: planIdParams,
      body: signatureBody,
      response: {
        200: signatureResultSchema.describe('Already recorded for this content: nothing changed'),
        201: signatureResultSchema.describe('Recorded'),
        ...problemResponses(400, 401, 403, 404, 409, 422),
      },
    },
    handler: async (request, reply) => {
      const { version, ...signature } = request.body;
      const { created, ...result } = await signPlan(ctx, callerOf(request), request.params.id, {
        signature,
        ...(version !== undefined && { version }),
        requestId: request.id,
      });
      return reply.code(created ? 201 : 200).send(result);
    },
  });

  r.post('/v1/plans/:id/deviations', {
    schema: {
      operationId: 'recordDeviation',
      summary: 'Record a deviation from the plan or an event of importance (avvikelse, händelse av vikt)',
      tags: ['status'],
      params: planIdParams,
      body: deviationSchema,
      response: { 201: deviationResultSchema, ...problemResponses(400, 401, 403, 404, 422) },
    },
    handler: async (request, reply) => {
      const stored = await recordDeviation(ctx, callerOf(request), request.params.id, request.body);
      return reply.code(201).send(deviationView(stored));
    },
  });

  r.get('/v1/plans/:id/deviations', {
    schema: {
      operationId: 'getMonthlyCompilation',
      summary: "One month's deviations and events, for the contact person's monthly compilation",
      tags: ['status'],
      params: planIdParams,
      querystring: z.object({
        month: monthSchema.optional().describe('YYYY-MM; the month before today when left out'),
      }),
      response: { 200: compilationSchema, ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const compiled = await deviationsOfMonth(
        ctx,
        callerOf(request),
        request.params.id,
        request.query.month,
      );
      return {
        ...compiled,
        deviations: compiled.deviations.map(deviationView),
        events: compiled.events.map(deviationView),
      };
    },
  });

  r.post('/v1/plans/:id/reviews', {
    schema: {
      operationId: 'recordReview',
      summary: 'Record that the kontaktman reviewed the personal details (Uppgifter och övrig information)',
      description:
        'Routine 000: at establishment and at every follow-up the kontaktman checks that the ' +
        'information under "Uppgifter och övrig information" is correct. Where the policy asks for it ' +
        '(personalDetailsReview), a plan whose current occasion has no review shows it as missing in ' +
        "its status, and as overdue (personal-details-review) once the policy's days have passed.",
      tags: ['status'],
      params: planIdParams,
      body: reviewSchema,
      response: { 201: storedReviewSchema, ...problemResponses(400, 401, 403, 404, 410, 422) },
    },
    handler: async (request, reply) => {
      const stored = await recordReview(ctx, callerOf(request), request.params.id, request.body, request.id);
      return reply.code(201).send(reviewView(stored));
    },
  });

  r.get('/v1/plans/:id/reviews', {
    schema: {
      operationId: 'listReviews',
      summary: "The plan's recorded reviews of the personal details, oldest first",
      tags: ['status'],
      params: planIdParams,
      response: { 200: reviewListSchema, ...problemResponses(401, 403, 404) },
    },
    handler: async (request) => {
      const { planId, reviews } = await reviewsOf(ctx, callerOf(request), request.params.id);
      return { planId, reviews: reviews.map(reviewView) };
    },
  });

  r.post('/v1/plans/:id/cooperation', {
    schema: {
      operationId: 'recordCooperation',
      summary: 'Record a changed external cooperation: an invitation to a samverkansmöte or a SIP',
      description:
        'Routine 003: when the cooperation with other parties changes in a way that can affect the ' +
        "plan's activities and routines, the kontaktman invites to a samverkansmöte or a SIP. The plan " +
        "is then due for revision: its follow-up falls due within the policy's " +
        'cooperationRevisionWithinDays (follow_up_passed after that), until a version is established ' +
        'on or after the date.',
      tags: ['status'],
      params: planIdParams,
      body: cooperationSchema,
      response: { 201: storedCooperationSchema, ...problemResponses(400, 401, 403, 404, 410, 422) },
    },
    handler: async (request, reply) => {
      const stored = await recordCooperation(
        ctx,
        callerOf(request),
        request.params.id,
        request.body,
        request.id,
      );
      return reply.code(201).send(deviationView(stored));
    },
  });

  r.post('/v1/plans/:id/consents', {
    schema: {
      operationId: 'recordConsent',
      summary: 'Record a renewed (given: true) or withdrawn (given: false) consent (samtycke)',
      tags: ['status'],
      params: planIdParams,
      body: consentSchema,
      response: {
        201: z.object({ planId: z.uuid(), consents: z.array(consentStatusSchema) }),
        ...problemResponses(400, 401, 403, 404, 422),
      },
    },
    handler: async (request, reply) => {
      const result = await recordConsent(ctx, callerOf(request), request.params.id, request.body);
      return reply.code(201).send(result);
    },
  });
}
