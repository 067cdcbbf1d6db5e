import { type ExpressionBuilder, sql } from 'kysely';
import type { Executor, Tx } from '../database.js';
import type { Database, NewPlanRow, PlanRow, PlanVersionRow } from '../schema.js';

export interface PlanSourceKey {
  organisation: string;
  sourceSystem: string;
  sourcePlanId: string;
}

/** The plan row for a source key, locked until the transaction ends (pushes to one plan queue up). */
export async function lockPlanBySourceKey(trx: Tx, key: PlanSourceKey): Promise<PlanRow | undefined> {
  return trx
    .selectFrom('plans')
    .selectAll()
    .where('organisation', '=', key.organisation)
    .where('source_system', '=', key.sourceSystem)
    .where('source_plan_id', '=', key.sourcePlanId)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts a plan row unless a concurrent push created it first (then undefined). */
export async function insertPlanIfAbsent(trx: Tx, plan: NewPlanRow): Promise<PlanRow | undefined> {
  return trx
    .insertInto('plans')
    .values(plan)
    .onConflict((oc) => oc.constraint('plans_source_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export type PlanUpdate = Pick<
  PlanRow,
  'unit_id' | 'law' | 'service_type' | 'current_version' | 'status' | 'person_index' | 'updated_at'
>;

/** The update of a plan row after a push, to send with the push's other writes (PendingWrites). */
export function planUpdate(db: Executor, id: string, update: PlanUpdate) {
  return db.updateTable('plans').set(update).where('id', '=', id);
}

export async function findPlan(db: Executor, organisation: string, id: string): Promise<PlanRow | undefined> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('organisation', '=', organisation)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface NewPlanVersion {
  planId: string;
  version: number;
  contentHash: string;
  document: Buffer;
  warnings: unknown;
  sourceSystem: string;
  pushedBy: string;
  createdAt: Date;
}

/** The insert of a new version, to send with the push's other writes (PendingWrites). */
export function planVersionInsert(db: Executor, v: NewPlanVersion) {
  return db.insertInto('plan_versions').values({
    plan_id: v.planId,
    version: v.version,
    content_hash: v.contentHash,
    document: v.document,
    warnings: JSON.stringify(v.warnings),
    source_system: v.sourceSystem,
    pushed_by: v.pushedBy,
    created_at: v.createdAt,
  });
}

export async function findPlanVersion(
  db: Executor,
  planId: string,
  version: number,
): Promise<PlanVersionRow | undefined> {
  return db
    .selectFrom('plan_versions')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function findContentHash(
  db: Executor,
  planId: string,
  version: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('plan_versions')
    .select('content_hash')
    .where('plan_id', '=', planId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.content_hash;
}

export type VersionSummaryRow = Pick<
  PlanVersionRow,
  'version' | 'content_hash' | 'source_system' | 'created_at'
>;

export async function listPlanVersions(db: Executor, planId: string): Promise<VersionSummaryRow[]> {
  return db
    .selectFrom('plan_versions')
    .select(['version', 'content_hash', 'source_system', 'created_at'])
    .where('plan_id', '=', planId)
    .orderBy('version', 'asc')
    .execute();
}

export interface PlanListQuery {
  organisation: string;
  status?: string;
  /** Plans with (true) or without (false) a row in plan_overdue. */
  overdue?: boolean;
  unitId?: string;
  personIndex?: string;
  /** Keyset position: rows strictly after (createdAt, id). */
  after?: { createdAt: Date; id: string };
  limit: number;
}

export async function listPlans(db: Executor, q: PlanListQuery): Promise<PlanRow[]> {
  let query = db.selectFrom('plans').selectAll().where('organisation', '=', q.organisation);
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  if (q.overdue !== undefined) {
    const overdue = (eb: ExpressionBuilder<Database, 'plans'>) =>
      eb.exists(
        eb.selectFrom('plan_overdue').select('plan_id').whereRef('plan_overdue.plan_id', '=', 'plans.id'),
      );
    query = query.where((eb) => (q.overdue ? overdue(eb) : eb.not(overdue(eb))));
  }
  if (q.unitId !== undefined) query = query.where('unit_id', '=', q.unitId);
  if (q.personIndex !== undefined) query = query.where('person_index', '=', q.personIndex);
  if (q.after) {
    const { createdAt, id } = q.after;
    query = query.where(sql<boolean>`(created_at, id) > (${createdAt}, ${id}::uuid)`);
  }
  return query.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(q.limit).execute();
}
