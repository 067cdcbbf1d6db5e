import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fitsBigint } from '../../domain/bigint-text.js';
import { readChanges } from '../../services/changes.service.js';
import type { ServiceContext } from '../../services/context.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';

const changePageSchema = z
  .object({
    items: z.array(
      z.object({
        seq: z.string().describe('Position in the feed; pass the last one seen as ?after='),
        planId: z.uuid(),
        version: z.number().int(),
        kind: z
          .string()
          .describe('plan_created, version_created, status_changed (one per lifecycle transition), overdue'),
        status: z.string(),
        at: z.iso.datetime(),
        detail: z
          .record(z.string(), z.string())
          .optional()
          .describe('status_changed: from, to; overdue: change (became, cleared), reason, dueOn, since'),
      }),
    ),
    cursor: z.string().describe('Resume with ?after=<cursor>; unchanged when nothing was new'),
  })
  .meta({ id: 'ChangePage' });

export function changesRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/changes', {
    schema: {
      operationId: 'listChanges',
      summary: 'Change feed: every new plan, version and status change of the organisation, in order',
      tags: ['status'],
      querystring: z.object({
        after: z
          .string()
          .regex(/^(0|[1-9]\d{0,18})$/, 'must be a cursor from this feed')
          // A feed position beyond the largest bigint cannot exist.
          .refine(fitsBigint, 'must be a cursor from this feed')
          .default('0'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: changePageSchema, ...problemResponses(400, 401, 403) },
    },
    handler: async (request) => {
      const page = await readChanges(ctx, callerOf(request), request.query.after, request.query.limit);
      return {
        items: page.items.map((c) => ({
          seq: c.seq,
          planId: c.plan_id,
          version: c.version,
          kind: c.kind,
          status: c.status,
          at: c.at.toISOString(),
          ...(c.detail && { detail: c.detail }),
        })),
        cursor: page.cursor,
      };
    },
  });
}
