import type { Executor, Tx } from '../database.js';
import { calendarDateText } from './lifecycle.repository.js';

export interface PlanEnd {
  id: string;
  planId: string;
  version: number;
  endedOn: string;
  /** Sealed; null once the plan's content was pruned. */
  reason: string | null;
  recordedBy: string;
  recordedAt: Date;
}

export interface NewPlanEnd {
  planId: string;
  version: number;
  endedOn: string;
  /** Sealed by the caller. */
  reason: string;
  recordedBy: string;
  recordedAt: Date;
}

export async function insertPlanEnd(trx: Tx, end: NewPlanEnd): Promise<PlanEnd> {
  const row = await trx
    .insertInto('plan_ends')
    .values({
      plan_id: end.planId,
      version: end.version,
      ended_on: end.endedOn,
      reason: end.reason,
      recorded_by: end.recordedBy,
      recorded_at: end.recordedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, ...end };
}

/** The end in force of a plan, if it has ended and no version has reopened it since. */
export async function findPlanEnd(db: Executor, planId: string): Promise<PlanEnd | undefined> {
  const row = await db
    .selectFrom('plan_ends')
    .select(['id', 'plan_id', 'version', 'reason', 'recorded_by', 'recorded_at'])
    .select(calendarDateText('ended_on').as('ended_on'))
    .where('plan_id', '=', planId)
    .where('reopened_at', 'is', null)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      planId: row.plan_id,
      version: row.version,
      endedOn: row.ended_on,
      reason: row.reason,
      recordedBy: row.recorded_by,
      recordedAt: row.recorded_at,
    }
  );
}

/** A new version reopened the plan: its end stays on record, closed. */
export async function closePlanEnd(trx: Tx, planId: string, version: number, at: Date): Promise<void> {
  await trx
    .updateTable('plan_ends')
    .set({ reopened_at: at, reopened_by_version: version })
    .where('plan_id', '=', planId)
    .where('reopened_at', 'is', null)
    .execute();
}

/** A plan's stored overdue reasons go when it ends: its deadlines no longer run. */
export async function deleteOverdueReasons(trx: Tx, planId: string): Promise<void> {
  await trx.deleteFrom('plan_overdue').where('plan_id', '=', planId).execute();
}
