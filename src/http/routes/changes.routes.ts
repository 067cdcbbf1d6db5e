import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fitsBigint } from '../../domain/bigint-text.js';
import type { ChangeWaiters } from '../../services/change-waiters.js';
import { readChanges, waitForChanges } from '../../services/changes.service.js';
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
          .describe(
            'plan_created, version_created, status_changed (one per lifecycle transition), overdue, ' +
              'review_recorded, cooperation_recorded, need_evaluation_recorded, need_evaluation_delivered, ' +
              'need_evaluation_failed, need_evaluation_acknowledged',
          ),
        status: z.string(),
        at: z.iso.datetime(),
        detail: z
          .record(z.string(), z.string())
          .optional()
          .describe(
            'status_changed: from, to; overdue: change (became, cleared), reason, dueOn, since; ' +
              'review_recorded, cooperation_recorded: kind, date; need_evaluation_*: id, date, via (webhook, inbox)',
          ),
      }),
    ),
    cursor: z.string().describe('Resume with ?after=<cursor>; unchanged when nothing was new'),
  })
  .meta({ id: 'ChangePage' });

/** The longest a request may wait for a change (`?wait=`), in seconds. */
export const MAX_WAIT_SECONDS = 60;

export function changesRoutes(app: FastifyInstance, ctx: ServiceContext, waiters: ChangeWaiters): void {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/changes', {
    schema: {
      operationId: 'listChanges',
      summary: 'Change feed: every new plan, version and status change of the organisation, in order',
      description:
        'The way to follow many plans without polling each one. With `wait` (long poll) the answer ' +
        'comes as soon as a change after `after` commits for your organisation, or, when the time is ' +
        'up, as an empty page with the same cursor: call again with the cursor you got. One waiting ' +
        'request counts once against the rate limit however long it waits.',
      tags: ['status'],
      querystring: z.object({
        after: z
          .string()
          .regex(/^(0|[1-9]\d{0,18})$/, 'must be a cursor from this feed')
          // A feed position beyond the largest bigint cannot exist.
          .refine(fitsBigint, 'must be a cursor from this feed')
          .default('0'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        wait: z.coerce
          .number()
          .int()
          .min(0)
          .max(MAX_WAIT_SECONDS)
          .default(0)
          .describe('Seconds to wait for a change when there is none yet (long poll); 0 answers at once'),
      }),
      response: { 200: changePageSchema, ...problemResponses(400, 401, 403) },
    },
    handler: async (request, reply) => {
      const { after, limit, wait } = request.query;
      const page =
        wait === 0
          ? await readChanges(ctx, callerOf(request), after, limit)
          : await waitForChanges(ctx, waiters, callerOf(request), {
              after,
              limit,
              waitMs: wait * 1000,
              signal: clientGone(reply.raw),
            });
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

/** Aborts when the client closes the connection before the answer is sent. */
function clientGone(response: ServerResponse): AbortSignal {
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}
