import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getSubmission, recordReceipt, submitPlan } from '../../delivery/submissions/submissions.service.js';
import type { ServiceContext } from '../../services/context.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';
import { planIdParams, withDeliveryTimesAsText } from '../schemas.js';

export const submissionSchema = z
  .object({
    id: z.uuid(),
    planId: z.uuid(),
    version: z.number().int().min(1),
    via: z
      .enum(['webhook', 'inbox'])
      .describe('webhook: to a submission destination; inbox: for receivers that pull'),
    status: z.enum(['queued', 'delivered', 'failed', 'acknowledged']),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
    acknowledgedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Submission' });

const submittedSchema = z
  .object({
    planId: z.uuid(),
    version: z.number().int().min(1),
    submissions: z.array(submissionSchema).describe('One per submission destination, or one in the inbox'),
  })
  .meta({ id: 'Submitted' });

const submitBody = z
  .strictObject({
    resend: z
      .boolean()
      .default(false)
      .describe(
        'true: a deliberate re-send, a new submission and delivery (new webhook-id) to every destination; ' +
          'refused (409) while the previous one is still queued',
      ),
  })
  .meta({ id: 'SubmitRequest' });

const submissionParams = z.object({
  id: z.string().describe('The plan id (a UUID)'),
  sid: z.string().describe('The submission id (a UUID)'),
});

/** Submission (avgivande) of a finished plan to the case officer (LSS-handläggare), and its receipt. */
export function submissionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/plans/:id/submissions', {
    schema: {
      operationId: 'submitPlan',
      summary: 'Submit (avge) the current version to the case officer: queued for delivery',
      description:
        'The plan must be complete (422 names what is missing) and established, communicated and signed (409). ' +
        "The version is rendered in each submission destination's format and delivered as a signed webhook; " +
        'an organisation without one gets it in the pull inbox (GET /v1/inbox). ' +
        'Each version is delivered once per destination: submitting a version that already has a submission ' +
        '(queued, delivered or acknowledged) answers 200 with it and queues nothing, also when two submits race. ' +
        'A re-send is explicit: {"resend": true}. The body is optional.',
      tags: ['submissions'],
      params: planIdParams,
      body: submitBody.nullish(),
      responseHeaders: { 200: ['Location'], 202: ['Location'] },
      response: {
        200: submittedSchema.describe(
          'The version was submitted already: the existing submissions, nothing queued',
        ),
        202: submittedSchema,
        ...problemResponses(400, 401, 403, 404, 409, 422),
      },
    },
    handler: async (request, reply) => {
      const resend = request.body?.resend ?? false;
      const { submissions, created } = await submitPlan(
        ctx,
        callerOf(request),
        request.params.id,
        request.id,
        resend ? 'resend' : 'submit',
      );
      const first = submissions[0]!;
      setAuditTarget(request, {
        planId: first.planId,
        version: first.version,
        details: { submissions: submissions.map((s) => s.id), ...(resend && { resend: true }), created },
      });
      return reply
        .code(created ? 202 : 200)
        .header('location', `/v1/plans/${first.planId}/submissions/${first.id}`)
        .send({
          planId: first.planId,
          version: first.version,
          submissions: submissions.map(withDeliveryTimesAsText),
        });
    },
  });

  r.get('/v1/plans/:id/submissions/:sid', {
    schema: {
      operationId: 'getSubmission',
      summary: 'One submission of a plan and how far it got',
      tags: ['submissions'],
      params: submissionParams,
      response: { 200: submissionSchema, ...problemResponses(401, 403, 404) },
    },
    handler: async (request) =>
      withDeliveryTimesAsText(
        await getSubmission(ctx, callerOf(request), request.params.id, request.params.sid),
      ),
  });

  r.post('/v1/plans/:id/submissions/:sid/receipt', {
    schema: {
      operationId: 'recordSubmissionReceipt',
      summary: "The receiving system's receipt: the plan becomes acknowledged",
      description:
        'Idempotent: a second receipt answers the same. A submission that failed cannot be acknowledged (409).',
      tags: ['submissions'],
      params: submissionParams,
      response: { 200: submissionSchema, ...problemResponses(401, 403, 404, 409) },
    },
    handler: async (request) =>
      withDeliveryTimesAsText(
        await recordReceipt(ctx, callerOf(request), request.params.id, request.params.sid, request.id),
      ),
  });
}
