import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../../db/audit-schema.js';
import { type AuditDraft, insertAuditEntries } from '../../db/repositories/audit.repository.js';
import { callerDetails } from '../../services/audit.service.js';
import type { ServiceContext } from '../../services/context.js';
import { callerOf } from '../auth/authentication.js';
import { auditBatch } from './audit-batch.js';
import { auditAction } from './route-audit.js';

/** What a request was about, when the route knows better than its URL (a push learns its plan id). */
export interface AuditTarget {
  planId?: string;
  version?: number;
  /** Ids and counts only, never personal data. */
  details?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    auditTarget: AuditTarget | null;
    auditRecorded: boolean;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION_ETAG = /^"v(\d{1,9})"$/;

export function setAuditTarget(request: FastifyRequest, target: AuditTarget): void {
  request.auditTarget = { ...request.auditTarget, ...target };
}

/**
 * Records every /v1 request of an identified client in the append-only audit log, denied
 * ones (403, 404) included, before its answer leaves: when the entry cannot be written the
 * answer is replaced by a 500 problem and the failure is logged as an error, so plan content
 * never leaves unrecorded (an answer that is a 5xx problem already goes out as it is). A write that already committed stays committed; the client's retry is
 * idempotent and is recorded. Requests without a valid key (401) have no one to attribute
 * them to and are in the request log only; 429s never reached the route.
 * Entries of requests answered at the same time share one INSERT and commit (audit-batch.ts).
 * Register after authentication, before the routes.
 */
export function registerAuditLog(app: FastifyInstance, ctx: ServiceContext): void {
  const batch = auditBatch((entries) => insertAuditEntries(ctx.db, entries));
  app.decorateRequest('auditTarget', null);
  app.decorateRequest('auditRecorded', false);

  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    const caller = request.caller;
    if (!url?.startsWith('/v1/') || !caller || request.auditRecorded || reply.statusCode === 429) {
      return payload;
    }
    request.auditRecorded = true;
    const target = request.auditTarget ?? {};
    const params = (request.params ?? {}) as Record<string, unknown>;
    const draft = auditDraft(ctx, request);
    const entry = {
      ...draft,
      planId: target.planId ?? planIdOf(url, params),
      version: target.version ?? versionOf(request, reply),
      status: reply.statusCode,
      outcome: outcomeOf(reply.statusCode),
      details: { ...draft.details, ...target.details },
    };
    try {
      await batch.record(entry);
    } catch (err) {
      // A 5xx is already a problem that carries nothing to withhold; throwing here would only
      // replace it with fastify's own JSON error, since the error handler has had its turn.
      const withheld = reply.statusCode < 500;
      request.log.error(
        { err, action: entry.action, status: entry.status },
        withheld
          ? 'audit entry could not be written; the answer is withheld'
          : 'audit entry of an error answer could not be written',
      );
      if (withheld) throw err;
    }
    return payload;
  });
}

/**
 * The entry of an identified client's request so far. A route whose write stores the entry in
 * its own transaction (a push) takes this, and calls auditRecordedWithWrite when it did.
 */
export function auditDraft(ctx: ServiceContext, request: FastifyRequest): AuditDraft {
  const caller = callerOf(request);
  const params = (request.params ?? {}) as Record<string, unknown>;
  return {
    at: ctx.clock(),
    clientId: caller.clientId,
    organisation: caller.organisation,
    action: auditAction(request.method === 'HEAD' ? 'GET' : request.method, request.routeOptions.url ?? ''),
    requestId: request.id,
    details: {
      ...callerDetails(caller),
      ...(typeof params.system === 'string' && { system: params.system }),
    },
  };
}

/** The route's write stored the request's entry (committed with it): the hook records none. */
export function auditRecordedWithWrite(request: FastifyRequest): void {
  request.auditRecorded = true;
}

// Only a plan's own routes name a plan in :id, and only a well-formed id is kept: an absurd
// path segment is the client's text, which could be anything.
function planIdOf(url: string, params: Record<string, unknown>): string | null {
  const id = params.id;
  return url.includes('/plans/:id') && typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
}

// Every route that answers with one stored version names it in a strong ETag ("vN"); else ?version=.
function versionOf(request: FastifyRequest, reply: FastifyReply): number | null {
  const etag = VERSION_ETAG.exec(String(reply.getHeader('etag') ?? ''))?.[1];
  if (etag) return Number(etag);
  const query = (request.query ?? {}) as Record<string, unknown>;
  return typeof query.version === 'number' ? query.version : null;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 404) return 'denied';
  return status < 500 ? 'refused' : 'error';
}
