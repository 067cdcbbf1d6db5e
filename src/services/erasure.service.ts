import { listLegalHolds } from '../db/repositories/legal-holds.repository.js';
import { lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import { heldVersionFacts } from '../db/repositories/retention.repository.js';
import { stockholmDate } from '../domain/calendar-date.js';
import { pruneContent } from './content-pruning.js';
import type { Caller, ServiceContext } from './context.js';
import { conflict, notFound } from './errors.js';
import { recordPlanEnd } from './plan-end.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ErasureResult {
  planId: string;
  /** The versions whose content this erasure removed (earlier ones had gone already). */
  versions: number[];
  erasedAt: Date;
}

/**
 * Erasure on the controller's word (GDPR art. 17, 28(3)(g)): every version's content goes at
 * once, as retention leaves it, metadata kept. Refused (409) while a legal hold exists or a
 * delivery of the plan is still queued. A plan that had not ended ends today, with the erasure
 * as its reason: a plan without content has no lifecycle to derive, until a new version.
 */
export async function erasePlan(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  requestId: string,
): Promise<ErasureResult> {
  if (!UUID.test(id)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, id);
    if (!row || row.current_version === 0) throw notFound('The plan');
    const holds = await listLegalHolds(trx, row.id);
    if (holds.length > 0) {
      throw conflict(
        `The plan is under ${holds.length === 1 ? 'a legal hold' : `${holds.length} legal holds`}`,
      );
    }
    const held = await heldVersionFacts(trx, [row.id]);
    const queued = held.filter((v) => v.delivery_queued).map((v) => v.version);
    if (queued.length > 0) {
      throw conflict(`A delivery of version ${queued.join(', ')} of the plan is still queued`);
    }
    const by = { actor: caller.clientId, requestId };
    const erasedAt = ctx.clock();
    if (row.status !== 'ended') {
      await recordPlanEnd(trx, ctx, row, { date: stockholmDate(erasedAt), reason: 'erasure' }, by);
    }
    const versions = held.map((v) => ({
      planId: row.id,
      version: v.version,
      organisation: row.organisation,
    }));
    await pruneContent(trx, ctx, versions, 'erasure', { clientId: caller.clientId, requestId });
    return { planId: row.id, versions: versions.map((v) => v.version), erasedAt };
  });
}
