import { listAuditEntries } from '../db/repositories/audit.repository.js';
import { listLegalHolds } from '../db/repositories/legal-holds.repository.js';
import { readLifecycleRecords } from '../db/repositories/lifecycle.repository.js';
import { findPlanEnd } from '../db/repositories/plan-ends.repository.js';
import { listPlanVersions } from '../db/repositories/plans.repository.js';
import type { PlanRow } from '../db/schema.js';
import { listNeedEvaluations } from '../delivery/need-evaluations/need-evaluations.repository.js';
import type { Caller, ServiceContext } from './context.js';
import { searchByIdentityNumber } from './plan-query.service.js';

/** The audit entries listed per plan; a plan read more often than this says so (`accessesTruncated`). */
const ACCESSES_PER_PLAN = 1000;

export interface HeldPlan {
  id: string;
  sourceSystem: string;
  sourcePlanId: string;
  unitId: string;
  status: string;
  createdAt: string;
  ended: { on: string; version: number } | null;
  holds: { id: string; createdAt: string }[];
  versions: {
    version: number;
    contentHash: string;
    sourceSystem: string;
    createdAt: string;
    content: 'held' | 'pruned';
    prunedAt: string | null;
    pruneReason: string | null;
  }[];
  submissions: {
    id: string;
    version: number;
    status: string;
    createdAt: string;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
  }[];
  /** Need evaluations (routine 003), each delivery with whether its summary is still held. */
  needEvaluations: {
    id: string;
    version: number;
    date: string;
    status: string;
    createdAt: string;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
    summary: 'held' | 'pruned';
  }[];
  /** Who read or wrote the plan and when, newest first, from the audit log. */
  accesses: { at: string; clientId: string | null; action: string; outcome: string }[];
  accessesTruncated: boolean;
}

/**
 * What the hub holds about one person (registerutdrag, GDPR art. 15): every plan of the
 * caller's organisation found through the blind index (whichever source system pushed it),
 * each version with whether its content is held or when and why it was pruned, submissions
 * and receipts, need evaluations, legal holds, and the accesses the audit log recorded. Metadata only: the
 * content itself is what `GET /v1/plans/{id}` answers while it is held.
 */
export async function subjectAccess(
  ctx: ServiceContext,
  caller: Caller,
  identityNumber: string,
): Promise<{ plans: HeldPlan[] }> {
  const rows = await searchByIdentityNumber(ctx, caller, identityNumber);
  const plans: HeldPlan[] = [];
  for (const row of rows) plans.push(await heldPlan(ctx, row));
  return { plans };
}

async function heldPlan(ctx: ServiceContext, row: PlanRow): Promise<HeldPlan> {
  const [versions, records, holds, end, accesses, needEvaluations] = await Promise.all([
    listPlanVersions(ctx.db, row.id),
    readLifecycleRecords(ctx.db, row, row.unit_id),
    listLegalHolds(ctx.db, row.id),
    row.status === 'ended' ? findPlanEnd(ctx.db, row.id) : undefined,
    listAuditEntries(ctx.db, {
      organisation: row.organisation,
      planIds: [row.id],
      limit: ACCESSES_PER_PLAN + 1,
    }),
    listNeedEvaluations(ctx.db, row.id),
  ]);
  return {
    id: row.id,
    sourceSystem: row.source_system,
    sourcePlanId: row.source_plan_id,
    unitId: row.unit_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    ended: end ? { on: end.endedOn, version: end.version } : null,
    holds: holds.map((hold) => ({ id: hold.id, createdAt: hold.createdAt.toISOString() })),
    versions: versions.map((v) => ({
      version: v.version,
      contentHash: v.content_hash,
      sourceSystem: v.source_system,
      createdAt: v.created_at.toISOString(),
      content: v.pruned_at ? 'pruned' : 'held',
      prunedAt: v.pruned_at?.toISOString() ?? null,
      pruneReason: v.prune_reason,
    })),
    submissions: records.submissions.map((s) => ({
      id: s.id,
      version: s.version,
      status: s.status,
      createdAt: s.created_at.toISOString(),
      deliveredAt: s.delivered_at?.toISOString() ?? null,
      acknowledgedAt: s.acknowledged_at?.toISOString() ?? null,
    })),
    needEvaluations: needEvaluations.map((e) => ({
      id: e.id,
      version: e.version,
      date: e.date,
      status: e.status,
      createdAt: e.created_at.toISOString(),
      deliveredAt: e.delivered_at?.toISOString() ?? null,
      acknowledgedAt: e.acknowledged_at?.toISOString() ?? null,
      summary: e.summary === null ? 'pruned' : 'held',
    })),
    accesses: accesses.slice(0, ACCESSES_PER_PLAN).map((entry) => ({
      at: entry.at.toISOString(),
      clientId: entry.client_id,
      action: entry.action,
      outcome: entry.outcome,
    })),
    accessesTruncated: accesses.length > ACCESSES_PER_PLAN,
  };
}
