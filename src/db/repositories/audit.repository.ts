import { sql } from 'kysely';
import type { AuditLogRow, AuditOutcome } from '../audit-schema.js';
import type { Executor } from '../database.js';
import { executeWrite, insertRows, type Row, type Write } from '../writes.js';

export interface NewAuditEntry {
  at: Date;
  clientId: string | null;
  organisation: string;
  action: string;
  planId: string | null;
  version: number | null;
  requestId: string;
  status: number;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/** An entry without what only the request's outcome tells (plan, version, status). */
export type AuditDraft = Omit<NewAuditEntry, 'planId' | 'version' | 'status' | 'outcome'>;

export async function insertAuditEntry(db: Executor, entry: NewAuditEntry): Promise<void> {
  await executeWrite(db, auditInsert(entry));
}

/** Several entries in one statement (src/http/audit/audit-batch.ts): one commit for all. */
export async function insertAuditEntries(db: Executor, entries: readonly NewAuditEntry[]): Promise<void> {
  const write = insertAuditRows(entries.map(auditRow));
  if (write) await executeWrite(db, write);
}

const insertAuditRows = insertRows('audit_log', [
  'at',
  'client_id',
  'organisation',
  'action',
  'plan_id',
  'version',
  'request_id',
  'status',
  'outcome',
  'details',
]);

/** The insert of an entry, to send with a transaction's other writes (PendingWrites). */
export function auditInsert(entry: NewAuditEntry): Write {
  return insertAuditRows([auditRow(entry)]);
}

/** The insert of several entries; undefined for none. */
export function auditInserts(entries: readonly NewAuditEntry[]): Write | undefined {
  return insertAuditRows(entries.map(auditRow));
}

function auditRow(entry: NewAuditEntry): Row {
  return {
    at: entry.at,
    client_id: entry.clientId,
    organisation: entry.organisation,
    action: entry.action,
    plan_id: entry.planId,
    version: entry.version,
    request_id: entry.requestId,
    status: entry.status,
    outcome: entry.outcome,
    details: entry.details,
  };
}

export interface AuditQuery {
  organisation: string;
  /** Entries about any of these plans: the plan they name, or a search that found it. */
  planIds?: string[];
  clientId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Keyset position: entries with a smaller id (newest first). */
  before?: string;
  limit: number;
}

/** Newest first. */
export async function listAuditEntries(db: Executor, q: AuditQuery): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('organisation', '=', q.organisation);
  const planIds = q.planIds;
  if (planIds !== undefined) {
    if (planIds.length === 0) return [];
    query = query.where((eb) =>
      eb.or([
        eb('plan_id', 'in', planIds),
        sql<boolean>`details -> 'planIds' ?| ${sql.val(planIds)}::text[]`,
      ]),
    );
  }
  if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.from !== undefined) query = query.where('at', '>=', q.from);
  if (q.to !== undefined) query = query.where('at', '<', q.to);
  if (q.before !== undefined) query = query.where('id', '<', q.before as never);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}
