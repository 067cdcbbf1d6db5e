import { type ExpressionBuilder, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import {
  activeDestinationsQuery,
  type Destination,
  destinationFromJson,
} from '../../delivery/destinations/destinations.repository.js';
import { jobTables } from '../../delivery/outbox/outbox.repository.js';
import type { FieldIssue } from '../../domain/field-issue.js';
import { compiledOnce } from '../compiled-once.js';
import type { Executor, Tx } from '../database.js';
import type { Database, PlanRow, PlanVersionRow } from '../schema.js';
import { bytea, insertRows, updateRows, type Write } from '../writes.js';
import { policiesForQuery, policiesOfUnit, type UnitPolicies } from './policies.repository.js';

export interface PlanSourceKey {
  organisation: string;
  sourceSystem: string;
  sourcePlanId: string;
}

/**
 * What a push reads before it decides anything, in one round trip: the plan (locked until the
 * transaction ends, when read for a new version) with its current version's content hash, the
 * policies of the organisation and of the pushed unit, and the organisation's active
 * destinations (for what the push dispatches, the lss auto-submission included).
 *
 * A statement that waits for the lock sees the plan row as its holder left it, but everything
 * else as it stood when the statement began. So the hash is read again when the row moved on
 * to a version this statement could not see, and `policies` are those of the statement's
 * start: right for a new plan (no lock to wait for); an existing plan's lifecycle reads its
 * policies again under the lock.
 */
export interface PushReads {
  found: { row: PlanRow; contentHash: string | null } | undefined;
  policies: UnitPolicies;
  destinations: Destination[];
}

function pushReadQuery(lock: boolean) {
  return (db: Executor, organisation: string, sourceSystem: string, sourcePlanId: string, unitId: string) => {
    const plan = db
      .selectFrom('plans')
      .leftJoin('plan_versions', (join) =>
        join
          .onRef('plan_versions.plan_id', '=', 'plans.id')
          .onRef('plan_versions.version', '=', 'plans.current_version'),
      )
      .selectAll('plans')
      .select(['plan_versions.content_hash', 'plan_versions.version as hashed_version'])
      .where('plans.organisation', '=', organisation)
      .where('plans.source_system', '=', sourceSystem)
      .where('plans.source_plan_id', '=', sourcePlanId);
    // One result row of three JSON values, whatever the tables' columns: safe to keep prepared.
    return db.selectNoFrom([
      jsonObjectFrom(lock ? plan.forUpdate('plans') : plan).as('plan'),
      jsonArrayFrom(policiesForQuery(db, organisation, unitId)).as('policies'),
      jsonArrayFrom(activeDestinationsQuery(jobTables<Database>(db), organisation)).as('destinations'),
    ]);
  };
}

const readLockedPushRows = compiledOnce(pushReadQuery(true));
const readPushRows = compiledOnce(pushReadQuery(false));

/** The push's read in the transaction that stores it: the plan stays locked until it ends. */
export function readForPush(trx: Tx, key: PlanSourceKey, unitId: string): Promise<PushReads> {
  return toPushReads(trx, readLockedPushRows, key, unitId);
}

/**
 * The same read without the lock, before any transaction: enough to answer an identical push,
 * and to store a new plan in one statement. A plan it finds is read again under the lock
 * before a new version of it is stored.
 */
export function readBeforePush(db: Executor, key: PlanSourceKey, unitId: string): Promise<PushReads> {
  return toPushReads(db, readPushRows, key, unitId);
}

async function toPushReads(
  db: Executor,
  read: typeof readPushRows,
  key: PlanSourceKey,
  unitId: string,
): Promise<PushReads> {
  const [rows] = await read(db, key.organisation, key.sourceSystem, key.sourcePlanId, unitId);
  if (!rows) throw new Error('the push read returns one row');
  let found: PushReads['found'];
  if (rows.plan) {
    const { content_hash, hashed_version, created_at, updated_at, ...rest } = rows.plan;
    const row = { ...rest, created_at: new Date(created_at), updated_at: new Date(updated_at) };
    const contentHash =
      hashed_version === row.current_version
        ? content_hash
        : ((await findPlanVersion(db, row.id, row.current_version))?.content_hash ?? null);
    found = { row, contentHash };
  }
  return {
    found,
    policies: policiesOfUnit(rows.policies, unitId),
    destinations: rows.destinations.map(destinationFromJson),
  };
}

/** What a push sets on a plan row, new or existing. */
const PUSHED_COLUMNS = [
  'unit_id',
  'law',
  'service_type',
  'current_version',
  'status',
  'person_index',
  'updated_at',
] as const;

const insertPlans = insertRows(
  'plans',
  ['id', 'organisation', 'source_system', 'source_plan_id', 'created_at', ...PUSHED_COLUMNS],
  // A lifecycle step after the push folds its state into the pending insert (write-set.ts).
  { key: ['id'] },
);

/**
 * The insert of a new plan row, to send with the push's other writes (PendingWrites). A
 * concurrent first push of the same plan makes it fail on plans_source_key: see
 * isPlanSourceKeyConflict.
 */
export function planInsert(plan: PlanRow): Write {
  return insertPlans([plan]);
}

/** True for the error of a plan insert that lost to a concurrent insert of the same plan. */
export function isPlanSourceKeyConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === 'plans_source_key';
}

export type PlanUpdate = Pick<PlanRow, (typeof PUSHED_COLUMNS)[number]>;

const updatePlans = updateRows('plans', 'id', PUSHED_COLUMNS);

/** The update of a plan row after a push, to send with the push's other writes (PendingWrites). */
export function planUpdate(id: string, update: PlanUpdate): Write {
  return updatePlans([{ id, ...update }]);
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
  warnings: readonly FieldIssue[];
  sourceSystem: string;
  pushedBy: string;
  createdAt: Date;
}

const insertPlanVersions = insertRows('plan_versions', [
  'plan_id',
  'version',
  'content_hash',
  'document',
  'warnings',
  'source_system',
  'pushed_by',
  'created_at',
]);

/** The insert of a new version, to send with the push's other writes (PendingWrites). */
export function planVersionInsert(v: NewPlanVersion): Write {
  return insertPlanVersions([
    {
      plan_id: v.planId,
      version: v.version,
      content_hash: v.contentHash,
      document: bytea(v.document),
      warnings: v.warnings,
      source_system: v.sourceSystem,
      pushed_by: v.pushedBy,
      created_at: v.createdAt,
    },
  ]);
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

export type VersionSummaryRow = Pick<
  PlanVersionRow,
  'version' | 'content_hash' | 'source_system' | 'created_at' | 'pruned_at' | 'prune_reason'
>;

export async function listPlanVersions(db: Executor, planId: string): Promise<VersionSummaryRow[]> {
  return db
    .selectFrom('plan_versions')
    .select(['version', 'content_hash', 'source_system', 'created_at', 'pruned_at', 'prune_reason'])
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
