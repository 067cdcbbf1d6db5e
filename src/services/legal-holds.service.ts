import type { Tx } from '../db/database.js';
import {
  deleteLegalHold,
  type HoldSummary,
  insertLegalHold,
} from '../db/repositories/legal-holds.repository.js';
import { lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import type { PlanRow } from '../db/schema.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { sealLegalHoldReason } from './personal-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A legal hold on one of the caller's plans: while any hold exists, neither retention nor
 * erasure touches the plan's content. The plan row is locked, so a retention batch or an
 * erasure deciding the plan at the same moment sees the hold or finishes first.
 */
export async function placeLegalHold(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  reason: string,
): Promise<HoldSummary & { planId: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await ownLockedPlan(trx, caller, id);
    const hold = await insertLegalHold(trx, {
      planId: row.id,
      reason: sealLegalHoldReason(ctx.cipher, row.id, reason),
      createdBy: caller.clientId,
      createdAt: ctx.clock(),
    });
    return { planId: row.id, ...hold };
  });
}

/** Releases a hold; the audit log keeps that it existed. */
export async function releaseLegalHold(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  holdId: string,
): Promise<void> {
  if (!UUID.test(holdId)) throw notFound('The hold');
  await ctx.db.transaction().execute(async (trx) => {
    const row = await ownLockedPlan(trx, caller, id);
    if (!(await deleteLegalHold(trx, row.id, holdId))) throw notFound('The hold');
  });
}

async function ownLockedPlan(trx: Tx, caller: Caller, id: string): Promise<PlanRow> {
  if (!UUID.test(id)) throw notFound('The plan');
  const row = await lockOwnPlan(trx, caller.organisation, id);
  if (!row || row.current_version === 0) throw notFound('The plan');
  return row;
}
