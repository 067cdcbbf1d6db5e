import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditLogRow } from '../../db/audit-schema.js';
import { checkIdentityNumber } from '../../domain/identity-number.js';
import { type AuditFilter, auditOfPerson, readAuditLog } from '../../services/audit.service.js';
import type { ServiceContext } from '../../services/context.js';
import { invalidRequest } from '../../services/errors.js';
import { setAuditTarget } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';

const auditEntrySchema = z
  .object({
    id: z.string().describe('Position in the log; newer entries have larger ids'),
    at: z.iso.datetime(),
    clientId: z.uuid().nullable(),
    action: z.string().describe('plan.read, plan.push, status.read, plan.search, admin.…'),
    planId: z.uuid().nullable(),
    version: z.number().int().nullable(),
    requestId: z.string(),
    status: z.number().int().describe('The HTTP status of the answer'),
    outcome: z.enum(['success', 'denied', 'refused', 'error']),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

const auditPageSchema = z
  .object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditPage' });

const filterFields = {
  client: z.uuid().optional().describe('Only entries of this client'),
  action: z
    .string()
    .regex(/^[A-Za-z0-9.:/ _-]{1,120}$/, 'must be an action name such as plan.read')
    .optional()
    .describe('Only entries with this action, e.g. plan.read'),
  from: z.iso.datetime({ offset: true }).optional().describe('Entries at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('Entries before this instant'),
  cursor: z.string().max(20).optional().describe('Opaque; the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

const auditSearchBody = z
  .strictObject({
    personnummer: z.string().describe('12 digits YYYYMMDDNNNC; personnummer or samordningsnummer'),
    ...filterFields,
  })
  .meta({ id: 'AuditSearch' });

/** The audit log of the caller's organisation: by plan, client, action and time, or by person. */
export function auditRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/admin/audit', {
    schema: {
      operationId: 'listAuditEntries',
      summary: "The organisation's audit log, newest first",
      tags: ['admin'],
      querystring: z.object({
        plan: z.uuid().optional().describe('Only entries about this plan'),
        ...filterFields,
      }),
      response: { 200: auditPageSchema, ...problemResponses(400, 401, 403) },
    },
    handler: async (request) => {
      const { plan, ...filter } = request.query;
      const page = await readAuditLog(ctx, callerOf(request), {
        ...toFilter(filter),
        ...(plan !== undefined && { planId: plan }),
      });
      return { items: page.items.map(toEntry), nextCursor: page.nextCursor };
    },
  });

  // POST, so the identity number travels in the body and never in a URL or access log.
  r.post('/v1/admin/audit/search', {
    schema: {
      operationId: 'searchAuditLog',
      summary:
        "Who has read or changed a person's plans: the audit entries of every plan of one personnummer",
      tags: ['admin'],
      body: auditSearchBody,
      response: {
        200: auditPageSchema.extend({ planIds: z.array(z.uuid()) }),
        ...problemResponses(400, 401, 403, 422),
      },
    },
    handler: async (request) => {
      const { personnummer, ...filter } = request.body;
      const identityNumber = personnummer.trim();
      if (!checkIdentityNumber(identityNumber).ok) {
        throw invalidRequest([
          { path: '/personnummer', message: 'must be a valid 12-digit personnummer or samordningsnummer' },
        ]);
      }
      const page = await auditOfPerson(ctx, callerOf(request), identityNumber, toFilter(filter));
      setAuditTarget(request, { details: { planIds: page.planIds } });
      return { planIds: page.planIds, items: page.items.map(toEntry), nextCursor: page.nextCursor };
    },
  });
}

interface FilterInput {
  client?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

function toFilter(q: FilterInput): Omit<AuditFilter, 'planId'> {
  return {
    limit: q.limit,
    ...(q.client !== undefined && { clientId: q.client }),
    ...(q.action !== undefined && { action: q.action }),
    ...(q.from !== undefined && { from: new Date(q.from) }),
    ...(q.to !== undefined && { to: new Date(q.to) }),
    ...(q.cursor !== undefined && { cursor: q.cursor }),
  };
}

function toEntry(row: AuditLogRow): z.output<typeof auditEntrySchema> {
  return {
    id: row.id,
    at: row.at.toISOString(),
    clientId: row.client_id,
    action: row.action,
    planId: row.plan_id,
    version: row.version,
    requestId: row.request_id,
    status: row.status,
    outcome: row.outcome,
    details: row.details,
  };
}
