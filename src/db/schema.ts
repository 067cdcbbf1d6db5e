import type { ColumnType, Generated, Selectable } from 'kysely';
import type { JobTables } from '../delivery/schema.js';
import type { AuditTables } from './audit-schema.js';
import type { DataProtectionTables } from './data-protection-schema.js';
import type { LifecycleTables } from './lifecycle-schema.js';

/** Timestamps are written as Date and read back as Date (pg parses timestamptz). */
type Timestamp = ColumnType<Date, Date, Date>;

export interface ClientsTable {
  id: Generated<string>;
  name: string;
  organisation: string;
  scopes: string[];
  /** SHA-256 hex of the API key; the key itself is never stored. Null for a token client. */
  key_hash: ColumnType<string | null, string | undefined, never>;
  /** A token client (migrations/1795433300000-token-clients.ts): its tokens' `iss` and `sub`; null for a key's client. */
  token_issuer: ColumnType<string | null, string | undefined, never>;
  token_subject: ColumnType<string | null, string | undefined, never>;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface PlansTable {
  id: Generated<string>;
  organisation: string;
  source_system: string;
  source_plan_id: string;
  unit_id: string;
  law: string;
  service_type: string;
  current_version: number;
  status: string;
  /** HMAC-SHA256 blind index of the identity number, so search never needs the number itself. */
  person_index: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PlanVersionsTable {
  plan_id: string;
  version: number;
  content_hash: string;
  /** The canonical plan, encoded by plan-document-codec; null once the content is pruned. */
  document: Buffer | null;
  warnings: ColumnType<unknown, string, string>;
  source_system: string;
  pushed_by: string | null;
  created_at: Timestamp;
  /** When the content was pruned, and why; both null while it is held. */
  pruned_at: ColumnType<Date | null, never, Date>;
  prune_reason: ColumnType<PruneReason | null, never, PruneReason>;
}

/** Why a version's content went: the retention rules, or the controller's erasure. */
export type PruneReason = 'retention' | 'erasure';

export interface PlanChangesTable {
  /** bigint from its own sequence, in insert order; read back as a decimal string (it can exceed 2^53). */
  id: ColumnType<string, never, never>;
  /**
   * The row's position in the organisation's change feed: null until the feed's reader numbers
   * it after commit (plan-changes.repository.ts). A decimal string like `id`.
   */
  seq: ColumnType<string | null, never, string | null>;
  plan_id: string;
  organisation: string;
  version: number;
  kind: string;
  status: string;
  at: Timestamp;
  /** What the change was in detail: a transition's from/to, an overdue reason; null for plain kinds. */
  detail: ColumnType<Record<string, string> | null, string | null | undefined, never>;
}

export interface IdempotencyKeysTable {
  client_id: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: Buffer | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

/**
 * The job tables (outbox, destinations, deliveries) are declared by src/delivery, which owns them;
 * the lifecycle tables by lifecycle-schema.ts, plan ends and legal holds by data-protection-schema.ts.
 */
export interface Database extends JobTables, LifecycleTables, AuditTables, DataProtectionTables {
  clients: ClientsTable;
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  plan_changes: PlanChangesTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type ClientRow = Selectable<ClientsTable>;
export type PlanRow = Selectable<PlansTable>;
export type PlanVersionRow = Selectable<PlanVersionsTable>;
export type PlanChangeRow = Selectable<PlanChangesTable>;
export type IdempotencyRow = Selectable<IdempotencyKeysTable>;
