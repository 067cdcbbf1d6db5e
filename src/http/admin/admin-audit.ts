import type { FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../../db/audit-schema.js';
import { callerDetails, recordAudit } from '../../services/audit.service.js';
import type { Caller, ServiceContext } from '../../services/context.js';

/**
 * Records an action on the admin pages (outside /v1, so the API's audit hook does not see
 * them) in the same append-only audit log: logins, and every change made through the queue
 * dashboard. Ids only: queue names and job ids carry nothing personal.
 */
export function recordAdminAction(
  ctx: ServiceContext,
  request: FastifyRequest,
  caller: Caller,
  action: string,
  status: number,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(ctx, {
    at: ctx.clock(),
    clientId: caller.clientId,
    organisation: caller.organisation,
    action,
    planId: null,
    version: null,
    requestId: request.id,
    status,
    outcome: outcomeOf(status),
    details: { ...callerDetails(caller), ...details },
  });
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 404) return 'denied';
  return status < 500 ? 'refused' : 'error';
}
