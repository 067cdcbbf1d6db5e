import type { ColumnType, Generated, Selectable } from 'kysely';

/** Timestamps are written as Date and read back as Date (pg parses timestamptz). */
type Timestamp = ColumnType<Date, Date, Date>;
/**
 * A `date` column: written as `YYYY-MM-DD`. pg would parse it into a local-time Date, so
 * repositories read it back with `::text` (calendarDateText) and never select it bare.
 */
type DateColumn = ColumnType<string, string, string>;
type Serial = ColumnType<string, never, never>;

export interface PoliciesTable {
  organisation: string;
  /** Null for the organisation's own policy. */
  unit_id: string | null;
  policy: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
  /** The client id, or `cli`. */
  updated_by: string;
}

export interface SignaturesTable {
  id: Generated<string>;
  plan_id: string;
  version: number;
  signed_content_hash: string;
  role: string;
  signed: boolean;
  name: string | null;
  date: DateColumn | null;
  method: string | null;
  reason: string | null;
  source: 'document' | 'api';
  dedupe_key: string;
  recorded_by: string;
  recorded_at: Timestamp;
  seq: Serial;
}

export interface LifecycleTransitionsTable {
  seq: Serial;
  plan_id: string;
  version: number;
  from_state: string;
  to_state: string;
  at: Timestamp;
  /** The client id, or `system` for the scheduled scan. */
  actor: string;
  request_id: string | null;
}

export interface DeviationsTable {
  id: Generated<string>;
  plan_id: string;
  kind: 'deviation' | 'event';
  date: DateColumn;
  text: string;
  recorded_by: string;
  recorded_at: Timestamp;
  seq: Serial;
}

export interface ConsentRecordsTable {
  id: Generated<string>;
  plan_id: string;
  covers: string;
  given: boolean;
  date: DateColumn;
  recorded_by: string;
  recorded_at: Timestamp;
  seq: Serial;
}

export interface PlanReviewsTable {
  id: Generated<string>;
  plan_id: string;
  kind: 'personal-details';
  date: DateColumn;
  by_name: string;
  by_title: string;
  recorded_by: string;
  recorded_at: Timestamp;
  seq: Serial;
}

export interface CooperationEventsTable {
  id: Generated<string>;
  plan_id: string;
  kind: 'samverkansmote' | 'sip';
  date: DateColumn;
  parties: ColumnType<string[], string, string>;
  /** Sealed (personal-fields.ts); null when none was given. */
  note: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
  seq: Serial;
}

export interface PlanOverdueTable {
  plan_id: string;
  reason: string;
  due_on: DateColumn;
  since: DateColumn;
  recorded_at: Timestamp;
}

export const SUBMISSION_STATUSES = ['queued', 'delivered', 'failed', 'acknowledged'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface SubmissionsTable {
  id: Generated<string>;
  plan_id: string;
  version: number;
  content_hash: string;
  destination_id: string | null;
  status: Generated<SubmissionStatus>;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  /** Who confirmed receipt: an API client's name, or the case officer's name from their ID token. */
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface NeedEvaluationsTable {
  id: string;
  plan_id: string;
  version: number;
  date: DateColumn;
  /** Sealed (personal-fields.ts); null once pruned with the plan's content. */
  summary: string | null;
  by_name: string;
  by_title: string;
  /** Null: the evaluation waits in the organisation's pull inbox. */
  destination_id: string | null;
  status: SubmissionStatus;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  recorded_by: string;
  pruned_at: Timestamp | null;
}

/** The tables of the lifecycle (policies, signatures, transitions, deviations, consents, reviews, cooperation, overdue, submissions). */
export interface LifecycleTables {
  policies: PoliciesTable;
  signatures: SignaturesTable;
  lifecycle_transitions: LifecycleTransitionsTable;
  deviations: DeviationsTable;
  consent_records: ConsentRecordsTable;
  plan_reviews: PlanReviewsTable;
  cooperation_events: CooperationEventsTable;
  plan_overdue: PlanOverdueTable;
  submissions: SubmissionsTable;
  need_evaluations: NeedEvaluationsTable;
}

export type SubmissionRow = Selectable<SubmissionsTable>;

export type NeedEvaluationRow = Selectable<NeedEvaluationsTable>;
