import type { Policy } from '../../domain/policy/policy.js';
import { completePolicy } from '../../domain/policy/presets.js';
import type { Executor, Tx } from '../database.js';

export interface StoredPolicy {
  organisation: string;
  /** Null for the organisation's own policy. */
  unitId: string | null;
  policy: Policy;
  updatedAt: Date;
  updatedBy: string;
}

function toStored(row: {
  organisation: string;
  unit_id: string | null;
  policy: unknown;
  updated_at: Date;
  updated_by: string;
}): StoredPolicy {
  return {
    organisation: row.organisation,
    unitId: row.unit_id,
    // Stored only after buildPolicy validated it; rules added since come from its preset.
    policy: completePolicy(row.policy as Policy),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Sets (inserts or replaces) the policy of an organisation (unitId null) or of one of its units. */
export async function upsertPolicy(trx: Tx, p: StoredPolicy): Promise<StoredPolicy> {
  const row = await trx
    .insertInto('policies')
    .values({
      organisation: p.organisation,
      unit_id: p.unitId,
      policy: JSON.stringify(p.policy),
      updated_at: p.updatedAt,
      updated_by: p.updatedBy,
    })
    .onConflict((oc) =>
      oc.constraint('policies_scope_key').doUpdateSet({
        policy: JSON.stringify(p.policy),
        updated_at: p.updatedAt,
        updated_by: p.updatedBy,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStored(row);
}

export async function findPolicy(
  db: Executor,
  organisation: string,
  unitId: string | null,
): Promise<StoredPolicy | undefined> {
  let query = db.selectFrom('policies').selectAll().where('organisation', '=', organisation);
  query = unitId === null ? query.where('unit_id', 'is', null) : query.where('unit_id', '=', unitId);
  const row = await query.executeTakeFirst();
  return row ? toStored(row) : undefined;
}

/** The organisation's policy and the unit's, when set: what resolvePolicy needs for one plan. */
export interface UnitPolicies {
  organisation?: Policy;
  unit?: Policy;
}

/** The organisation's policy and the unit's, as a query to nest in a larger read (policiesOfUnit folds the rows). */
export function policiesForQuery(db: Executor, organisation: string, unitId: string) {
  return db
    .selectFrom('policies')
    .select(['unit_id', 'policy'])
    .where('organisation', '=', organisation)
    .where((eb) => eb.or([eb('unit_id', 'is', null), eb('unit_id', '=', unitId)]));
}

export function policiesOfUnit(
  rows: readonly { unit_id: string | null; policy: unknown }[],
  unitId: string,
): UnitPolicies {
  const org = rows.find((row) => row.unit_id === null);
  const unit = rows.find((row) => row.unit_id === unitId);
  return {
    ...(org && { organisation: completePolicy(org.policy as Policy) }),
    ...(unit && { unit: completePolicy(unit.policy as Policy) }),
  };
}

/** Ids of the organisation's plans a policy change may affect (one unit's, or all); ended ones stay as they ended. */
export async function listPlanIdsUnder(
  db: Executor,
  organisation: string,
  unitId: string | null,
): Promise<string[]> {
  let query = db
    .selectFrom('plans')
    .select('id')
    .where('organisation', '=', organisation)
    .where('current_version', '>', 0)
    .where('status', '<>', 'ended');
  if (unitId !== null) query = query.where('unit_id', '=', unitId);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => row.id);
}
