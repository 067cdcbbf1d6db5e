import type { Tx } from '../db/database.js';
import { withPendingWrites } from '../db/pending-writes.js';
import { lockOwnPlan, planStateUpdate, transitionsInsert } from '../db/repositories/lifecycle.repository.js';
import { deleteOverdueReasons, findPlanEnd, insertPlanEnd } from '../db/repositories/plan-ends.repository.js';
import type { PlanRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Caller, ServiceContext } from './context.js';
import { conflict, invalidRequest, notFound } from './errors.js';
import type { Actor } from './lifecycle.service.js';
import { sealPlanEndReason } from './personal-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PlanEndResult {
  planId: string;
  version: number;
  status: 'ended';
  endedOn: string;
}

/**
 * Records that the intervention ended (insatsen avslutad): the plan's state becomes `ended`,
 * its overdue reasons go and neither the overdue scan nor a reminder looks at it again, until
 * a push of a new version reopens it. The end date counts for retention (retention.service.ts).
 */
export async function endPlan(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  input: { date: string; reason: string; requestId: string },
): Promise<PlanEndResult> {
  if (input.date > stockholmDate(ctx.clock())) {
    throw invalidRequest([{ path: '/date', message: 'must not be after today' }], 'The end is not valid');
  }
  if (!UUID.test(id)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, id);
    if (!row || row.current_version === 0) throw notFound('The plan');
    if (row.status === 'ended') {
      const end = await findPlanEnd(trx, row.id);
      throw conflict(`The plan has already ended${end ? `, on ${end.endedOn}` : ''}`);
    }
    const by = { actor: caller.clientId, requestId: input.requestId };
    await recordPlanEnd(trx, ctx, row, { date: input.date, reason: input.reason }, by);
    return { planId: row.id, version: row.current_version, status: 'ended', endedOn: input.date };
  });
}

/** The writes of an end, for a plan locked by the caller's transaction that has not ended. */
export async function recordPlanEnd(
  trx: Tx,
  ctx: ServiceContext,
  row: PlanRow,
  end: { date: string; reason: string },
  by: Actor,
): Promise<void> {
  const now = ctx.clock();
  await insertPlanEnd(trx, {
    planId: row.id,
    version: row.current_version,
    endedOn: end.date,
    reason: sealPlanEndReason(ctx.cipher, row.id, end.reason),
    recordedBy: by.actor,
    recordedAt: now,
  });
  await deleteOverdueReasons(trx, row.id);
  await withPendingWrites(trx, async (pending) => {
    const move = { from: row.status, to: 'ended' };
    pending.add(
      transitionsInsert([{ planId: row.id, version: row.current_version, ...move, at: now, ...by }]),
    );
    pending.add(planStateUpdate(row.id, { status: 'ended', updated_at: now }));
    pending.appendChanges([
      {
        planId: row.id,
        organisation: row.organisation,
        version: row.current_version,
        kind: 'status_changed',
        status: 'ended',
        at: now,
        detail: { ...move, endedOn: end.date },
      },
    ]);
  });
}
