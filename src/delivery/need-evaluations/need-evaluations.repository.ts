import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';
import type { NeedEvaluationRow } from '../../db/lifecycle-schema.js';
import { calendarDateText } from '../../db/repositories/lifecycle.repository.js';
import type { VersionRef } from '../../db/repositories/retention.repository.js';
import type { PlanRow } from '../../db/schema.js';
import type { NeedEvaluationStatus } from '../../domain/lifecycle/need-evaluations.js';
import { statusesBefore } from '../../domain/lifecycle/need-evaluations.js';

/** A need evaluation as stored: the summary still sealed (null once pruned), the date as text. */
export type StoredNeedEvaluation = NeedEvaluationRow;

const COLUMNS = [
  'id',
  'plan_id',
  'version',
  'summary',
  'by_name',
  'by_title',
  'destination_id',
  'status',
  'created_at',
  'delivered_at',
  'acknowledged_at',
  'acknowledged_by',
  'recorded_by',
  'pruned_at',
] as const;

function selectEvaluations(db: Executor) {
  return db
    .selectFrom('need_evaluations')
    .select(COLUMNS.map((c) => `need_evaluations.${c}` as const))
    .select(calendarDateText('need_evaluations.date').as('date'));
}

/** New evaluations, one per target; their summary sealed by the caller. */
export async function insertNeedEvaluations(trx: Tx, rows: readonly NeedEvaluationRow[]): Promise<void> {
  await trx.insertInto('need_evaluations').values(rows).execute();
}

/** Every evaluation of the plan, oldest first, as a query (nested, its times come back as text: toStoredNeedEvaluation). */
export function needEvaluationsQuery(db: Executor, planId: string) {
  return selectEvaluations(db).where('plan_id', '=', planId).orderBy('created_at').orderBy('id');
}

/** Every evaluation of the plan, oldest first. */
export async function listNeedEvaluations(db: Executor, planId: string): Promise<StoredNeedEvaluation[]> {
  return needEvaluationsQuery(db, planId).execute();
}

const timestamp = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

type Stamp = 'created_at' | 'delivered_at' | 'acknowledged_at' | 'pruned_at';

/** An evaluation read nested in JSON: its times back to Dates. */
export function toStoredNeedEvaluation(
  row: Omit<StoredNeedEvaluation, Stamp> & {
    created_at: Date | string;
    delivered_at: Date | string | null;
    acknowledged_at: Date | string | null;
    pruned_at: Date | string | null;
  },
): StoredNeedEvaluation {
  return {
    ...row,
    created_at: new Date(row.created_at),
    delivered_at: timestamp(row.delivered_at),
    acknowledged_at: timestamp(row.acknowledged_at),
    pruned_at: timestamp(row.pruned_at),
  };
}

export async function findNeedEvaluation(
  db: Executor,
  id: string,
): Promise<StoredNeedEvaluation | undefined> {
  return selectEvaluations(db).where('id', '=', id).executeTakeFirst();
}

/** An evaluation of one of the organisation's plans. */
export async function findOwnNeedEvaluation(
  db: Executor,
  organisation: string,
  planId: string,
  id: string,
): Promise<StoredNeedEvaluation | undefined> {
  return selectEvaluations(db)
    .innerJoin('plans', 'plans.id', 'need_evaluations.plan_id')
    .where('plans.organisation', '=', organisation)
    .where('need_evaluations.plan_id', '=', planId)
    .where('need_evaluations.id', '=', id)
    .executeTakeFirst();
}

/** The plan of an evaluation, locked: the worker locks it before the evaluation, like the API. */
export async function lockPlanOfNeedEvaluation(trx: Tx, id: string): Promise<PlanRow | undefined> {
  return trx
    .selectFrom('plans')
    .innerJoin('need_evaluations', 'need_evaluations.plan_id', 'plans.id')
    .selectAll('plans')
    .where('need_evaluations.id', '=', id)
    .forUpdate('plans')
    .executeTakeFirst();
}

/**
 * Moves an evaluation forward (see statusesBefore); a status already reached changes nothing,
 * and false says so. `by`: who acknowledged, the API client's name.
 */
export async function advanceNeedEvaluation(
  trx: Tx,
  id: string,
  to: Exclude<NeedEvaluationStatus, 'queued'>,
  now: Date,
  by?: { clientId: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('need_evaluations')
    .set({
      status: to,
      ...(to === 'delivered' && { delivered_at: now }),
      ...(to === 'acknowledged' && {
        // A receipt for a queued one: the receiver had it before the worker recorded the 2xx.
        delivered_at: sql<Date>`coalesce(delivered_at, ${now})`,
        acknowledged_at: now,
        acknowledged_by: by
          ? sql<string | null>`(select name from clients where id = ${by.clientId}::uuid)`
          : null,
      }),
    })
    .where('id', '=', id)
    .where('status', 'in', statusesBefore(to))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The organisation's inbox evaluations: without a destination, not yet acknowledged, oldest first. */
export async function listInboxNeedEvaluations(
  db: Executor,
  organisation: string,
  options: { after?: { createdAt: Date; id: string }; limit: number },
): Promise<StoredNeedEvaluation[]> {
  let query = selectEvaluations(db)
    .innerJoin('plans', 'plans.id', 'need_evaluations.plan_id')
    .where('plans.organisation', '=', organisation)
    .where('need_evaluations.destination_id', 'is', null)
    .where('need_evaluations.status', '=', 'delivered');
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where(
      sql<boolean>`(need_evaluations.created_at, need_evaluations.id) > (${createdAt}, ${id}::uuid)`,
    );
  }
  return query
    .orderBy('need_evaluations.created_at')
    .orderBy('need_evaluations.id')
    .limit(options.limit)
    .execute();
}

/**
 * Pruned with the content of the version they were made for (retention, erasure): the summary
 * goes; the date, who evaluated and the delivery's history stay, as metadata.
 */
export async function pruneNeedEvaluationSummaries(
  trx: Tx,
  versions: readonly VersionRef[],
  at: Date,
): Promise<void> {
  if (versions.length === 0) return;
  await sql`
    update need_evaluations e set summary = null, pruned_at = ${at}
    from unnest(${versions.map((v) => v.planId)}::uuid[], ${versions.map((v) => v.version)}::int[]) as t(plan_id, version)
    where e.plan_id = t.plan_id and e.version = t.version and e.pruned_at is null`.execute(trx);
}
