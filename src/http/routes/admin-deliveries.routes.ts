import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FAILURE_CLASSES, failureClass } from '../../delivery/contract/failure-class.js';
import type { DeliveryView } from '../../delivery/deliveries/delivery-admin.repository.js';
import {
  type DeliveryAdminContext,
  listOwnDeliveries,
  retryDelivery,
  retryMatching,
} from '../../delivery/deliveries/delivery-admin.service.js';
import { isJobName, QUEUE_NAMES, queueOf } from '../../delivery/queues/catalogue.js';
import { DELIVERY_STATUSES } from '../../delivery/schema.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';

const deliverySchema = z
  .object({
    id: z.uuid(),
    job: z.string().describe('The job name, e.g. submission.deliver'),
    queue: z.enum(QUEUE_NAMES).nullable(),
    jobId: z.string().describe('The BullMQ job id, as the dashboard shows it'),
    destination: z.object({ id: z.uuid(), kind: z.string(), system: z.string() }),
    planId: z.uuid().nullable(),
    version: z.number().int().nullable(),
    webhookId: z.string().describe('The webhook-id the receiver de-duplicates on; the same on every retry'),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    reason: z.enum(FAILURE_CLASSES).nullable().describe('The class of the last failure'),
    lastStatusCode: z.number().int().nullable(),
    lastError: z
      .string()
      .nullable()
      .describe("The receiver's status and the start of its answer, or a network reason"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Delivery' });

const filterFields = {
  queue: z.enum(QUEUE_NAMES).optional(),
  destination: z.uuid().optional().describe('A destination id'),
  plan: z.uuid().optional().describe('A plan id'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

const retriedSchema = z.object({
  id: z.uuid(),
  via: z.enum(['job', 'outbox']).describe('job: the failed job was retried; outbox: it was relayed again'),
});

export function adminDeliveryRoutes(app: FastifyInstance, ctx: DeliveryAdminContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/admin/deliveries', {
    schema: {
      operationId: 'listDeliveries',
      summary: "List the organisation's outbound deliveries, failed ones by default",
      tags: ['admin'],
      querystring: z.object({ status: z.enum(DELIVERY_STATUSES).default('failed'), ...filterFields }),
      response: {
        200: z.object({ items: z.array(deliverySchema) }).meta({ id: 'DeliveryList' }),
        ...problemResponses(400, 401, 403),
      },
    },
    handler: async (request) => {
      const { status, queue, destination, plan, limit } = request.query;
      const items = await listOwnDeliveries(ctx, callerOf(request), {
        status,
        limit,
        ...(queue && { queue }),
        ...(destination && { destinationId: destination }),
        ...(plan && { planId: plan }),
      });
      return { items: items.map(toDelivery) };
    },
  });

  r.post('/v1/admin/deliveries/:id/retry', {
    schema: {
      operationId: 'retryDelivery',
      summary: 'Retry a failed delivery (same webhook-id)',
      tags: ['admin'],
      params: z.object({ id: z.string().describe('The delivery id') }),
      response: { 202: retriedSchema, ...problemResponses(401, 403, 404, 409) },
    },
    handler: async (request, reply) => {
      const retried = await retryDelivery(ctx, callerOf(request), request.params.id);
      return reply.code(202).send(retried);
    },
  });

  r.post('/v1/admin/deliveries/retry', {
    schema: {
      operationId: 'retryDeliveries',
      summary: 'Retry every failed delivery matching the filter',
      tags: ['admin'],
      body: z.strictObject(filterFields).meta({ id: 'DeliveryRetryFilter' }),
      response: {
        202: z
          .object({
            retried: z.array(retriedSchema),
            skipped: z.array(z.object({ id: z.uuid(), reason: z.string() })),
          })
          .meta({ id: 'DeliveryRetryResult' }),
        ...problemResponses(401, 403, 422),
      },
    },
    handler: async (request, reply) => {
      const { queue, destination, plan, limit } = request.body;
      const result = await retryMatching(ctx, callerOf(request), {
        limit,
        ...(queue && { queue }),
        ...(destination && { destinationId: destination }),
        ...(plan && { planId: plan }),
      });
      return reply.code(202).send(result);
    },
  });
}

function toDelivery(d: DeliveryView) {
  return {
    id: d.id,
    job: d.jobName,
    queue: isJobName(d.jobName) ? queueOf(d.jobName) : null,
    jobId: d.jobId,
    destination: { id: d.destinationId, kind: d.destinationKind, system: d.destinationSystem },
    planId: d.planId,
    version: d.version,
    webhookId: d.webhookId,
    status: d.status,
    attempts: d.attempts,
    reason: d.status === 'delivered' || d.attempts === 0 ? null : failureClass(d.lastStatusCode, d.lastError),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
