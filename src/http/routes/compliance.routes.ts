import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PLAN_STATES } from '../../domain/lifecycle/lifecycle.js';
import type { ServiceContext } from '../../services/context.js';
import { overdueByUnit } from '../../services/overdue.service.js';
import { callerOf } from '../auth/authentication.js';
import { overdueReasonSchema } from '../lifecycle-schemas.js';
import { problemResponses } from '../problem.js';

const overdueSchema = z
  .object({
    units: z.array(
      z.object({
        unitId: z.string(),
        plans: z.array(
          z.object({
            id: z.uuid(),
            sourceSystem: z.string(),
            sourcePlanId: z.string(),
            status: z.enum(PLAN_STATES),
            version: z.number().int(),
            reasons: z.array(overdueReasonSchema),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'OverduePlans' });

export function complianceRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/compliance/overdue', {
    schema: {
      operationId: 'listOverduePlans',
      summary: "The organisation's overdue plans per unit, with the reasons (as of the last evaluation)",
      tags: ['status'],
      response: { 200: overdueSchema, ...problemResponses(401, 403) },
    },
    handler: async (request) => {
      return { units: await overdueByUnit(ctx, callerOf(request)) };
    },
  });
}
