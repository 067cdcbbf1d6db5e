import type { AuditLogRow } from '../db/audit-schema.js';
import {
  insertAuditEntry,
  listAuditEntries,
  type NewAuditEntry,
} from '../db/repositories/audit.repository.js';
import { fitsBigint } from '../domain/bigint-text.js';
import type { Caller, ServiceContext } from './context.js';
import { badRequest } from './errors.js';
import { searchByIdentityNumber } from './plan-query.service.js';

export function recordAudit(ctx: ServiceContext, entry: NewAuditEntry): Promise<void> {
  return insertAuditEntry(ctx.db, entry);
}

/**
 * What an entry says about its caller beyond the client id: for an access token, the
 * provider's subject and client id, so an entry names the system without a join (never the token).
 */
export function callerDetails(caller: Caller): Record<string, string> {
  if (!caller.token) return {};
  const { subject, clientId } = caller.token;
  return { tokenSubject: subject, ...(clientId !== null && { tokenClientId: clientId }) };
}

export interface AuditFilter {
  planId?: string;
  clientId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface AuditPage {
  items: AuditLogRow[];
  nextCursor: string | null;
}

const CURSOR = /^[1-9]\d{0,18}$/;

/** The caller's organisation's audit entries, newest first. */
export async function readAuditLog(
  ctx: ServiceContext,
  caller: Caller,
  filter: AuditFilter,
): Promise<AuditPage> {
  const { planId, ...rest } = filter;
  return page(ctx, caller, rest, planId === undefined ? undefined : [planId]);
}

/**
 * "Who has read this person's plan": the entries about every plan of the caller's
 * organisation for one person (found through the blind index), searches that found one included.
 */
export async function auditOfPerson(
  ctx: ServiceContext,
  caller: Caller,
  identityNumber: string,
  filter: Omit<AuditFilter, 'planId'>,
): Promise<AuditPage & { planIds: string[] }> {
  const planIds = (await searchByIdentityNumber(ctx, caller, identityNumber)).map((p) => p.id);
  return { planIds, ...(await page(ctx, caller, filter, planIds)) };
}

async function page(
  ctx: ServiceContext,
  caller: Caller,
  filter: Omit<AuditFilter, 'planId'>,
  planIds: string[] | undefined,
): Promise<AuditPage> {
  if (filter.cursor !== undefined && !(CURSOR.test(filter.cursor) && fitsBigint(filter.cursor))) {
    throw badRequest('The cursor is not one this API handed out', [
      { path: '/cursor', message: 'is not a valid cursor' },
    ]);
  }
  const rows = await listAuditEntries(ctx.db, {
    organisation: caller.organisation,
    ...(planIds !== undefined && { planIds }),
    ...(filter.clientId !== undefined && { clientId: filter.clientId }),
    ...(filter.action !== undefined && { action: filter.action }),
    ...(filter.from !== undefined && { from: filter.from }),
    ...(filter.to !== undefined && { to: filter.to }),
    ...(filter.cursor !== undefined && { before: filter.cursor }),
    limit: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? last.id : null };
}
