import type { Executor } from '../db/database.js';
import type { HoldSummary } from '../db/repositories/legal-holds.repository.js';
import { readLifecycleRecords } from '../db/repositories/lifecycle.repository.js';
import { findPlanEnd } from '../db/repositories/plan-ends.repository.js';
import {
  findPlan,
  findPlanVersion,
  listPlans,
  listPlanVersions,
  type VersionSummaryRow,
} from '../db/repositories/plans.repository.js';
import { readStatusRecords } from '../db/repositories/status-records.repository.js';
import { findPlanWithStatusRevision } from '../db/repositories/status-revision.repository.js';
import type { PlanRow, PlanVersionRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Law } from '../domain/codes.js';
import type { Plan } from '../domain/plan.js';
import { resolvePolicy } from '../domain/policy/resolve.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { decodeDocument, decodeVersion, loadLifecycle } from './lifecycle.service.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { personIndex } from './plan-content.js';
import { readConsentRecords } from './plan-records.service.js';
import {
  assemblePlanStatus,
  derivePlanStatus,
  type PlanProtection,
  type PlanStatusView,
  prunedPlanStatus,
} from './plan-status.js';
import type { StatusRevisionBatch } from './status-revision-batch.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PlanVersionView {
  id: string;
  version: number;
  currentVersion: number;
  /** The plan's lifecycle state for the current version; a superseded version is only as far as its own dates say. */
  status: string;
  /** The system the plan was pushed from; some rules depend on it (the kontaktman signs in Lifecare). */
  sourceSystem: string;
  createdAt: Date;
  plan: Plan;
}

/** A plan of the caller's organisation; another organisation's plan is "not found", never "forbidden". */
async function ownPlan(ctx: ServiceContext, caller: Caller, id: string): Promise<PlanRow> {
  if (!UUID.test(id)) throw notFound('The plan');
  const row = await findPlan(ctx.db, caller.organisation, id);
  if (!row) throw notFound('The plan');
  return row;
}

export async function getPlanVersion(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  version?: number,
): Promise<PlanVersionView> {
  const row = await ownPlan(ctx, caller, id);
  const wanted = version ?? row.current_version;
  const stored = await findPlanVersion(ctx.db, row.id, wanted);
  if (!stored) throw notFound(`Version ${wanted} of the plan`);
  const plan = decodeDocument(ctx, row.id, stored);
  return {
    id: row.id,
    version: wanted,
    currentVersion: row.current_version,
    status: wanted === row.current_version ? row.status : derivePlanStatus(plan),
    sourceSystem: row.source_system,
    createdAt: stored.created_at,
    plan,
  };
}

export async function getPlanVersions(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
): Promise<{ id: string; versions: VersionSummaryRow[] }> {
  const row = await ownPlan(ctx, caller, id);
  return { id: row.id, versions: await listPlanVersions(ctx.db, row.id) };
}

/** A plan's status, and the revision of what it was computed from (see getPlanStatusRevision). */
export interface PlanStatusRead {
  status: PlanStatusView;
  revision: string;
}

export async function getPlanStatus(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
): Promise<PlanStatusRead> {
  if (!UUID.test(id)) throw notFound('The plan');
  // One snapshot: the row, its version, signatures, submissions and records as of one moment.
  return ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const row = await findPlanWithStatusRevision(trx, caller.organisation, id);
      if (!row) throw notFound('The plan');
      const today = stockholmDate(ctx.clock());
      const revision = statusRevisionOn(row.status_revision, today);
      const stored = await findPlanVersion(trx, row.id, row.current_version);
      if (!stored) throw new Error('the current version of a plan is missing');
      const { holds, needEvaluations } = await readStatusRecords(trx, row.id);
      const protection = await readProtection(trx, row, stored, holds);
      if (stored.document === null) {
        const records = await readLifecycleRecords(trx, row, row.unit_id);
        const resolved = resolvePolicy({ ...records.policies, law: row.law as Law });
        return {
          status: prunedPlanStatus(
            row,
            { resolved, submissions: records.submissions, needEvaluations },
            protection,
          ),
          revision,
        };
      }
      const current = decodeVersion(ctx, row.id, stored);
      const loaded = await loadLifecycle(trx, ctx, row, current, today);
      const consents = await readConsentRecords(trx, ctx, row.id);
      return {
        status: assemblePlanStatus(row, current, loaded, consents, protection, needEvaluations),
        revision,
      };
    });
}

/**
 * The revision a status is keyed by: its stored inputs' and the day its deadlines are counted
 * on. Both reads of it (the poll's and the full status's) must make it alike, or no poll hits.
 */
function statusRevisionOn(storedRevision: string, today: string): string {
  return `${storedRevision};${today}`;
}

/**
 * What a plan's status is computed from, as one text, without reading any content: the revision
 * of its stored inputs (read with other polls' in one statement) and the calendar day its
 * deadlines are counted on. The same text means the same status from the same code; a different
 * one may or may not.
 */
export async function getPlanStatusRevision(
  ctx: ServiceContext,
  revisions: StatusRevisionBatch,
  caller: Caller,
  id: string,
): Promise<{ id: string; version: number; revision: string }> {
  if (!UUID.test(id)) throw notFound('The plan');
  const row = await revisions.read(caller.organisation, id);
  if (!row) throw notFound('The plan');
  return {
    id: row.id,
    version: row.current_version,
    revision: statusRevisionOn(row.status_revision, stockholmDate(ctx.clock())),
  };
}

/** The plan's end, holds and whether its current version's content is held. */
async function readProtection(
  db: Executor,
  row: PlanRow,
  stored: Pick<PlanVersionRow, 'pruned_at' | 'prune_reason'>,
  holds: readonly HoldSummary[],
): Promise<PlanProtection> {
  const end = row.status === 'ended' ? await findPlanEnd(db, row.id) : undefined;
  return {
    ended: end ? { on: end.endedOn, version: end.version } : null,
    holds: holds.map((hold) => ({ id: hold.id, createdAt: hold.createdAt.toISOString() })),
    contentPruned:
      stored.pruned_at && stored.prune_reason
        ? { at: stored.pruned_at.toISOString(), reason: stored.prune_reason }
        : null,
  };
}

export interface PlanListFilter {
  status?: string;
  /** Only plans with (true) or without (false) an overdue reason as last evaluated. */
  overdue?: boolean;
  unitId?: string;
  cursor?: string;
  limit: number;
}

export interface PlanPage {
  items: PlanRow[];
  nextCursor: string | null;
}

export async function listOwnPlans(
  ctx: ServiceContext,
  caller: Caller,
  filter: PlanListFilter,
): Promise<PlanPage> {
  const rows = await listPlans(ctx.db, {
    organisation: caller.organisation,
    ...(filter.status !== undefined && { status: filter.status }),
    ...(filter.overdue !== undefined && { overdue: filter.overdue }),
    ...(filter.unitId !== undefined && { unitId: filter.unitId }),
    ...(filter.cursor !== undefined && { after: decodeCursor(filter.cursor) }),
    limit: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > filter.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null;
  return { items, nextCursor };
}

/** Plans of the caller's organisation for one person, found through the blind index. */
export async function searchByIdentityNumber(
  ctx: ServiceContext,
  caller: Caller,
  identityNumber: string,
): Promise<PlanRow[]> {
  return listPlans(ctx.db, {
    organisation: caller.organisation,
    personIndex: personIndex(ctx.indexKey, identityNumber),
    limit: 1000,
  });
}
