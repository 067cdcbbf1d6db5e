import type { Tx } from '../db/database.js';
import { auditInserts } from '../db/repositories/audit.repository.js';
import {
  pruneRecordsOfEmptiedPlans,
  pruneVersionContent,
  replaceSignatureTexts,
  signaturesOf,
  type VersionRef,
} from '../db/repositories/retention.repository.js';
import type { PruneReason } from '../db/schema.js';
import { executeWrite } from '../db/writes.js';
import { pruneNeedEvaluationSummaries } from '../delivery/need-evaluations/need-evaluations.repository.js';
import type { ServiceContext } from './context.js';
import { sealPrunedSignatureText } from './personal-fields.js';

/** Who pruned, for the audit entries: a client (erasure) or the retention run. */
export interface PrunedBy {
  clientId: string | null;
  requestId: string;
}

/**
 * Prunes the content of versions of plans the caller's transaction has locked, as retention
 * and erasure both leave it: the document and warnings go; the names and refusal reasons of
 * signatures bound to those versions are replaced by an empty sealed text, and the summaries of
 * need evaluations made from them go; a plan left with no content loses its deviations,
 * consent changes and the reason given for its end. One audit entry per plan names the
 * versions. Returns the number of versions pruned.
 */
export async function pruneContent(
  trx: Tx,
  ctx: ServiceContext,
  versions: readonly (VersionRef & { organisation: string })[],
  reason: PruneReason,
  by: PrunedBy,
): Promise<number> {
  if (versions.length === 0) return 0;
  const at = ctx.clock();
  const pruned = await pruneVersionContent(trx, versions, at, reason);
  await pruneNeedEvaluationSummaries(trx, versions, at);
  const signatures = await signaturesOf(trx, versions);
  await replaceSignatureTexts(
    trx,
    signatures.map((s) => ({
      id: s.id,
      signed: s.signed,
      sealed: sealPrunedSignatureText(ctx.cipher, s.plan_id, s.signed),
    })),
  );
  const byPlan = new Map<string, { organisation: string; versions: number[] }>();
  for (const v of versions) {
    const plan = byPlan.get(v.planId) ?? { organisation: v.organisation, versions: [] };
    plan.versions.push(v.version);
    byPlan.set(v.planId, plan);
  }
  const emptied = new Set(await pruneRecordsOfEmptiedPlans(trx, [...byPlan.keys()]));
  const audit = auditInserts(
    [...byPlan].map(([planId, plan]) => ({
      at,
      clientId: by.clientId,
      organisation: plan.organisation,
      action: reason === 'erasure' ? 'plan.erase' : 'plan.content.prune',
      planId,
      version: null,
      requestId: by.requestId,
      status: 200,
      outcome: 'success' as const,
      details: { versions: plan.versions, reason, allContentGone: emptied.has(planId) },
    })),
  );
  if (audit) await executeWrite(trx, audit);
  return pruned;
}
