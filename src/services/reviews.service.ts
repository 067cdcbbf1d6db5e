import { withPendingWrites } from '../db/pending-writes.js';
import { lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import { insertReview, listReviews, type StoredReview } from '../db/repositories/plan-records.repository.js';
import { findPlan } from '../db/repositories/plans.repository.js';
import type { Review } from '../domain/lifecycle/reviews.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { reassessPlan, storedState } from './lifecycle.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Routine 000: the kontaktman has checked the personal details ("Uppgifter och övrig
 * information") at establishment or follow-up. Recorded with its date, in the change feed
 * (`review_recorded`), and the plan is re-derived in the same transaction, so a missing
 * review that had made it overdue clears at once (an `overdue` `cleared` event). An ended
 * plan keeps the record but has no deadlines to re-derive.
 */
export async function recordReview(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  review: Review,
  requestId: string,
): Promise<StoredReview & { planId: string }> {
  if (!UUID.test(id)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, id);
    if (!row || row.current_version === 0) throw notFound('The plan');
    const now = ctx.clock();
    const stored = await insertReview(trx, review, {
      planId: row.id,
      recordedBy: caller.clientId,
      recordedAt: now,
    });
    await withPendingWrites(trx, async (pending) => {
      pending.appendChanges([
        {
          planId: row.id,
          organisation: row.organisation,
          version: row.current_version,
          kind: 'review_recorded',
          status: storedState(row.status),
          at: now,
          detail: { kind: review.kind, date: review.date },
        },
      ]);
      if (row.status === 'ended') return;
      const by = { actor: caller.clientId, requestId };
      pending.appendChanges((await reassessPlan(trx, ctx, pending, row, by)).changes);
    });
    return { ...stored, planId: row.id };
  });
}

/** Every review recorded for one of the caller's plans, oldest first. */
export async function reviewsOf(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
): Promise<{ planId: string; reviews: StoredReview[] }> {
  if (!UUID.test(id)) throw notFound('The plan');
  const row = await findPlan(ctx.db, caller.organisation, id);
  if (!row) throw notFound('The plan');
  return { planId: row.id, reviews: await listReviews(ctx.db, row.id) };
}
