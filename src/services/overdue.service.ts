import { withPendingWrites } from '../db/pending-writes.js';
import { listOverduePlans, lockNextPlans } from '../db/repositories/lifecycle.repository.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { OverdueCode } from '../domain/lifecycle/deadlines.js';
import type { PlanState } from '../domain/lifecycle/lifecycle.js';
import type { Caller, ServiceContext } from './context.js';
import { reassessPlan, SYSTEM_ACTOR, storedState } from './lifecycle.service.js';

export interface OverdueScanReport {
  plans: number;
  became: number;
  cleared: number;
}

/**
 * The daily overdue scan: re-evaluates every plan on `today` (a Stockholm date) and records
 * reasons that appeared or cleared, each as an `overdue` event in the change feed. Plans are
 * taken in batches with FOR UPDATE SKIP LOCKED, so several scanners (and pushes) share the
 * work; each evaluation diffs against the stored reasons under the plan's lock, so an event is
 * emitted once however many scanners run.
 */
export async function scanOverdue(
  ctx: ServiceContext,
  today: string = stockholmDate(ctx.clock()),
  batchSize = 100,
): Promise<OverdueScanReport> {
  const report: OverdueScanReport = { plans: 0, became: 0, cleared: 0 };
  let after: string | undefined;
  for (;;) {
    const rows = await ctx.db.transaction().execute(async (trx) => {
      const locked = await lockNextPlans(trx, after, batchSize);
      const changes = await withPendingWrites(trx, async (pending) => {
        const found = [];
        for (const row of locked)
          found.push(...(await reassessPlan(trx, ctx, pending, row, SYSTEM_ACTOR, { today })).changes);
        pending.appendChanges(found);
        return found;
      });
      for (const change of changes) {
        if (change.kind !== 'overdue') continue;
        if (change.detail?.change === 'became') report.became++;
        else report.cleared++;
      }
      return locked;
    });
    report.plans += rows.length;
    after = rows.at(-1)?.id;
    if (rows.length < batchSize) return report;
  }
}

export interface OverdueUnit {
  unitId: string;
  plans: {
    id: string;
    sourceSystem: string;
    sourcePlanId: string;
    status: PlanState;
    version: number;
    reasons: { code: OverdueCode; dueOn: string; overdueSince: string }[];
  }[];
}

/** The organisation's overdue plans per unit, with their reasons, as last evaluated. */
export async function overdueByUnit(ctx: ServiceContext, caller: Caller): Promise<OverdueUnit[]> {
  const units = new Map<string, Map<string, OverdueUnit['plans'][number]>>();
  for (const row of await listOverduePlans(ctx.db, caller.organisation)) {
    const plans = units.get(row.unit_id) ?? new Map();
    units.set(row.unit_id, plans);
    const plan = plans.get(row.id) ?? {
      id: row.id,
      sourceSystem: row.source_system,
      sourcePlanId: row.source_plan_id,
      status: storedState(row.status),
      version: row.current_version,
      reasons: [],
    };
    plans.set(row.id, plan);
    plan.reasons.push({ code: row.reason as OverdueCode, dueOn: row.due_on, overdueSince: row.since });
  }
  return [...units].map(([unitId, plans]) => ({ unitId, plans: [...plans.values()] }));
}
