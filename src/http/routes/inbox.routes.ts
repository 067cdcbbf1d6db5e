import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SUBMISSION_SYSTEMS } from '../../delivery/destinations/destinations.service.js';
import { acknowledgeInboxItem, inboxOf } from '../../delivery/submissions/submissions.service.js';
import type { ServiceContext } from '../../services/context.js';
import { decodeCursor, encodeCursor } from '../../services/list-cursor.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';
import { withDeliveryTimesAsText } from '../schemas.js';
import { submissionSchema } from './submissions.routes.js';

const inboxItemSchema = z
  .object({
    id: z.uuid().describe('The submission id; acknowledge it with POST /v1/inbox/{id}/ack'),
    planId: z.uuid(),
    version: z.number().int().min(1),
    sourceSystem: z.string(),
    submittedAt: z.iso.datetime(),
    document: z
      .string()
      .describe(
        'Where to fetch the submitted version, in the format asked for with ?system (needs plans:read)',
      ),
  })
  .meta({ id: 'InboxItem' });

const inboxPageSchema = z
  .object({ items: z.array(inboxItemSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'InboxPage' });

/** For case-officer systems that pull submissions instead of receiving webhooks. */
export function inboxRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/inbox', {
    schema: {
      operationId: 'listInbox',
      summary: "Submissions waiting for the caller's organisation, oldest first, until acknowledged",
      tags: ['submissions'],
      querystring: z.object({
        system: z
          .enum(SUBMISSION_SYSTEMS as [string, ...string[]])
          .optional()
          .describe('The format of the document links; canonical JSON when absent'),
        cursor: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: inboxPageSchema, ...problemResponses(400, 401, 403) },
    },
    handler: async (request) => {
      const { system, cursor, limit } = request.query;
      const items = await inboxOf(ctx, callerOf(request), {
        limit: limit + 1,
        ...(cursor !== undefined && { after: decodeCursor(cursor) }),
      });
      const page = items.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((item) => ({
          id: item.id,
          planId: item.planId,
          version: item.version,
          sourceSystem: item.sourceSystem,
          submittedAt: item.createdAt.toISOString(),
          document: system
            ? `/v1/systems/${system}/plans/${item.planId}?version=${item.version}`
            : `/v1/plans/${item.planId}?version=${item.version}`,
        })),
        nextCursor:
          items.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    },
  });

  r.post('/v1/inbox/:id/ack', {
    schema: {
      operationId: 'acknowledgeInboxItem',
      summary: 'Acknowledge a submission taken from the inbox: the plan becomes acknowledged',
      tags: ['submissions'],
      params: z.object({ id: z.string().describe('The submission id (a UUID)') }),
      response: { 200: submissionSchema, ...problemResponses(401, 403, 404, 409) },
    },
    handler: async (request) =>
      withDeliveryTimesAsText(
        await acknowledgeInboxItem(ctx, callerOf(request), request.params.id, request.id),
      ),
  });
}
