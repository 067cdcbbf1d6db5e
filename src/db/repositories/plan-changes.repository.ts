import { sql } from 'kysely';
import type { Executor, Tx } from '../database.js';
import type { PlanChangeRow } from '../schema.js';

export interface NewPlanChange {
  planId: string;
  organisation: string;
  version: number;
  kind: string;
  status: string;
  at: Date;
  /** A transition's from/to, an overdue reason and its deadline. */
  detail?: Record<string, string>;
}

/**
 * Appends change-feed rows. Each row records its transaction's id (tx_id, by column default),
 * which is what lets readers never skip a row without serialising writers: see listPlanChanges.
 */
export async function appendPlanChanges(trx: Tx, changes: NewPlanChange[]): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto('plan_changes')
    .values(
      changes.map((c) => ({
        plan_id: c.planId,
        organisation: c.organisation,
        version: c.version,
        kind: c.kind,
        status: c.status,
        at: c.at,
        detail: c.detail ? JSON.stringify(c.detail) : null,
      })),
    )
    .execute();
}

/** A place in the change feed: a row's writing transaction (xid8) and seq, both decimal strings. */
export interface ChangePosition {
  txId: string;
  seq: string;
}

/**
 * The organisation's rows after `after`, in (tx_id, seq) order. A seq is handed out at insert
 * but a row becomes visible at commit, so rows are only returned once their transaction is
 * certainly finished: tx_id below the snapshot's xmin. Every transaction still in flight has
 * an id at or above xmin and every later one a larger id, so no row can ever appear behind a
 * position already returned; within a transaction seq orders its rows. xid8 values are
 * compared in SQL only: they can exceed 2^53. Read outside a writing transaction, whose own
 * id would hold xmin back.
 */
export async function listPlanChanges(
  db: Executor,
  organisation: string,
  after: ChangePosition,
  limit: number,
): Promise<PlanChangeRow[]> {
  return db
    .selectFrom('plan_changes')
    .selectAll()
    .where('organisation', '=', organisation)
    .where(sql<boolean>`(tx_id, seq) > (${after.txId}::xid8, ${after.seq}::bigint)`)
    .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('tx_id', 'asc')
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}
