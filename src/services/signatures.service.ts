import { withPendingWrites } from '../db/pending-writes.js';
import { insertSignatures, lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import { settlePlan } from '../delivery/submissions/dispatch-effects.js';
import type { PlanState } from '../domain/lifecycle/lifecycle.js';
import { recordSignature } from '../domain/lifecycle/signatures.js';
import type { Signature } from '../domain/plan.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { currentVersion, readRecords, signatureDedupeKey, storedState } from './lifecycle.service.js';
import { sealSignature } from './personal-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SignatureResult {
  /** False for a duplicate: the same signature for the same content was already recorded. */
  created: boolean;
  planId: string;
  version: number;
  signedContentHash: string;
  signature: Signature;
  /** The plan's lifecycle state after the signature. */
  status: PlanState;
}

/**
 * Records a signature or refusal given through the API for the current version. Refused for
 * a draft (409, naming what is missing) and for a version the signer did not see (409). Any
 * role is accepted; the policy decides which count. A duplicate changes nothing.
 */
export async function signPlan(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  input: { signature: Signature; version?: number; requestId: string },
): Promise<SignatureResult> {
  if (!UUID.test(id)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, id);
    if (!row || row.current_version === 0) throw notFound('The plan');
    const current = await currentVersion(trx, ctx, row);
    const hash = current.signedContentHash;
    const records = await readRecords(trx, ctx, row, current.plan);
    const outcome = recordSignature({
      signature: input.signature,
      ...(input.version !== undefined && { requestedVersion: input.version }),
      current: { version: current.version, plan: current.plan, signedContentHash: hash },
      policy: records.resolved.policy,
      recorded: records.signatures,
    });
    if (!outcome.ok) throw outcome.error;
    const base = { created: false, planId: row.id, version: current.version, signedContentHash: hash };
    const signature = plainSignature(outcome.signature);
    if (outcome.outcome === 'duplicate') return { ...base, signature, status: storedState(row.status) };

    // The unique key makes a concurrent identical signature a no-op here too.
    const recordedAt = ctx.clock();
    const inserted = await insertSignatures(trx, [
      {
        planId: row.id,
        version: current.version,
        signature: sealSignature(ctx.cipher, row.id, outcome.signature),
        dedupeKey: signatureDedupeKey(ctx.indexKey, outcome.signature),
        recordedBy: caller.clientId,
        recordedAt,
      },
    ]);
    // The plan is locked, so what was read plus what this inserted is all there is.
    const signatures =
      inserted > 0
        ? [...records.signatures, { ...outcome.signature, version: current.version, recordedAt }]
        : records.signatures;
    // A signing that completes the round may submit the plan (lss); in this transaction.
    const by = { actor: caller.clientId, requestId: input.requestId };
    const known = { ...records, signatures };
    const updated = await withPendingWrites(trx, (pending) =>
      settlePlan(trx, ctx, pending, row, by, { current, known }),
    );
    return { ...base, created: inserted > 0, signature, status: storedState(updated.status) };
  });
}

function plainSignature(s: Signature): Signature {
  return s.signed
    ? { role: s.role, signed: true, name: s.name, date: s.date, method: s.method }
    : { role: s.role, signed: false, reason: s.reason };
}
