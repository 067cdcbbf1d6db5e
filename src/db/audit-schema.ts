import type { ColumnType, Selectable } from 'kysely';

export const AUDIT_OUTCOMES = ['success', 'denied', 'refused', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One request that read or wrote plan content or status, or did something as an admin.
 * Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, and the application role
 * holds only INSERT and SELECT on it (migrations/1795431900000-audit-log.ts).
 */
export interface AuditLogTable {
  /** bigserial: read back as a decimal string, since it can exceed 2^53. */
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, Date, never>;
  client_id: ColumnType<string | null, string | null, never>;
  organisation: ColumnType<string, string, never>;
  /** What was done, e.g. `plan.read`, `plan.push`, `status.read`, `admin.audit.search`. */
  action: ColumnType<string, string, never>;
  plan_id: ColumnType<string | null, string | null, never>;
  version: ColumnType<number | null, number | null, never>;
  request_id: ColumnType<string, string, never>;
  /** The HTTP status of the answer. */
  status: ColumnType<number, number, never>;
  outcome: ColumnType<AuditOutcome, AuditOutcome, never>;
  /** Ids and counts only, never personal data. */
  details: ColumnType<Record<string, unknown>, string, never>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}

export type AuditLogRow = Selectable<AuditLogTable>;
