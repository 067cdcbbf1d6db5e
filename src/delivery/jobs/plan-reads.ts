import { UnrecoverableError } from 'bullmq';
import { findPlanVersion } from '../../db/repositories/plans.repository.js';
import type { PlanRow, PlanVersionRow } from '../../db/schema.js';
import type { Plan } from '../../domain/plan.js';
import type { ServiceContext } from '../../services/context.js';
import { type CurrentVersion, decodeVersion } from '../../services/lifecycle.service.js';

/**
 * What jobs read of a plan. Payloads carry ids only: a job reads the plan as it is now, and a
 * plan or version that no longer exists fails the job for good.
 */
export async function planRow(ctx: ServiceContext, id: string): Promise<PlanRow> {
  const row = await ctx.db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new UnrecoverableError('the plan no longer exists');
  return row;
}

/** One version's content, read from PostgreSQL (never from the job). */
export async function planVersion(ctx: ServiceContext, planId: string, version: number): Promise<Plan> {
  return storedVersion(ctx, planId, await findPlanVersion(ctx.db, planId, version)).plan;
}

/** A version a job needs, decoded. */
export function storedVersion(
  ctx: ServiceContext,
  planId: string,
  stored: Pick<PlanVersionRow, 'version' | 'document' | 'content_hash'> | undefined,
): CurrentVersion {
  if (!stored) throw new UnrecoverableError('the plan version no longer exists');
  // Retention never prunes a version with a delivery under way; an erased one is gone for good.
  const { document } = stored;
  if (document === null) throw new UnrecoverableError("the plan version's content was pruned");
  return decodeVersion(ctx, planId, { ...stored, document, pruned_at: null, prune_reason: null });
}
