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
 * Appends change-feed rows. A poller reads `seq > cursor` and must never skip a row, but a
 * sequence is handed out at insert time while rows become visible at commit, so two
 * concurrent transactions can commit out of sequence order. The transaction-scoped advisory
 * lock, one per organisation (the feed is read per organisation), makes writers of one
 * organisation take sequence numbers and commit one at a time: a row with a higher seq is
 * never visible before a lower one. Callers append as the last step before commit so the
 * lock is held for as short as possible.
 */
export async function appendPlanChanges(trx: Tx, changes: NewPlanChange[]): Promise<void> {
  const organisations = [...new Set(changes.map((c) => c.organisation))].sort();
  for (const organisation of organisations) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`plan_changes:${organisation}`}, 0))`.execute(
      trx,
    );
  }
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

export async function listPlanChanges(
  db: Executor,
  organisation: string,
  after: string,
  limit: number,
): Promise<PlanChangeRow[]> {
  return db
    .selectFrom('plan_changes')
    .selectAll()
    .where('organisation', '=', organisation)
    .where('seq', '>', after as never)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}
