import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;

/** The end of a plan (the intervention ended); kept when a later version reopens it. */
export interface PlanEndsTable {
  id: Generated<string>;
  plan_id: string;
  /** The version that was current when the plan ended. */
  version: number;
  /** Written `YYYY-MM-DD`, read back with `::text` (calendarDateText). */
  ended_on: ColumnType<string, string, string>;
  /** Encrypted (personal-fields.ts); null once the plan's content is pruned. */
  reason: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
  reopened_at: Date | null;
  reopened_by_version: number | null;
}

/** A legal hold: while it exists, the plan's content is neither pruned nor erased. */
export interface LegalHoldsTable {
  id: Generated<string>;
  plan_id: string;
  /** Encrypted (personal-fields.ts); never shown in status. */
  reason: string;
  created_by: string;
  created_at: Timestamp;
}

/** A retention run that was not a dry run: counts and dates only. */
export interface RetentionRunsTable {
  id: Generated<string>;
  /** The BullMQ job of a scheduled run; null for `planbrygga retention run`. */
  job_id: string | null;
  /** The Stockholm date the rules were applied on, written `YYYY-MM-DD`. */
  on_date: ColumnType<string, string, string>;
  started_at: Timestamp;
  finished_at: Timestamp;
  versions_pruned: number;
  plans_pruned: number;
  busy: number;
  /** Versions kept, by reason (retention-rules.ts KEEP_REASONS). */
  kept: ColumnType<Record<string, number>, string, string>;
  /** Plans whose metadata went, pruned longer ago than AUDIT_RETENTION_DAYS. */
  plans_removed: number;
  audit_entries_removed: number;
}

export interface DataProtectionTables {
  plan_ends: PlanEndsTable;
  legal_holds: LegalHoldsTable;
  retention_runs: RetentionRunsTable;
}

export type PlanEndRow = Selectable<PlanEndsTable>;
export type LegalHoldRow = Selectable<LegalHoldsTable>;
