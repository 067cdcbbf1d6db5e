import type { Executor, Tx } from '../database.js';

export interface HoldSummary {
  id: string;
  createdAt: Date;
}

export async function insertLegalHold(
  trx: Tx,
  hold: { planId: string; reason: string; createdBy: string; createdAt: Date },
): Promise<HoldSummary> {
  const row = await trx
    .insertInto('legal_holds')
    .values({
      plan_id: hold.planId,
      reason: hold.reason,
      created_by: hold.createdBy,
      created_at: hold.createdAt,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, createdAt: row.created_at };
}

/** Releases one hold of the plan; false when the plan has no such hold. */
export async function deleteLegalHold(trx: Tx, planId: string, holdId: string): Promise<boolean> {
  const deleted = await trx
    .deleteFrom('legal_holds')
    .where('plan_id', '=', planId)
    .where('id', '=', holdId)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

/** The holds in force on a plan, oldest first: ids and dates, never their reasons. */
/** The plan's holds, oldest first, as a query to nest in a larger read (times come back as text). */
export function legalHoldsQuery(db: Executor, planId: string) {
  return db
    .selectFrom('legal_holds')
    .select(['id', 'created_at'])
    .where('plan_id', '=', planId)
    .orderBy('created_at')
    .orderBy('id');
}

export async function listLegalHolds(db: Executor, planId: string): Promise<HoldSummary[]> {
  const rows = await legalHoldsQuery(db, planId).execute();
  return rows.map((row) => ({ id: row.id, createdAt: row.created_at }));
}
