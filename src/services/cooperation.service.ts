import { withPendingWrites } from '../db/pending-writes.js';
import { lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import { insertCooperation, type StoredCooperation } from '../db/repositories/plan-records.repository.js';
import type { Cooperation } from '../domain/lifecycle/cooperation.js';
import type { FollowUpDeadline } from '../domain/lifecycle/deadlines.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { reassessPlan, storedState } from './lifecycle.service.js';
import { sealCooperationNote } from './personal-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Routine 003, "Förändrad extern samverkan": the kontaktman invites to a samverkansmöte or a
 * SIP. Recorded (the note sealed), in the change feed (`cooperation_recorded`), and the plan is
 * re-derived in the same transaction: its follow-up now falls due within the policy's days,
 * until a version is established on or after the event. Returns the follow-up the plan now
 * has; null for an ended plan, which has no deadlines.
 */
export async function recordCooperation(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  cooperation: Cooperation,
  requestId: string,
): Promise<StoredCooperation & { planId: string; followUp: FollowUpDeadline | null }> {
  if (!UUID.test(id)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, id);
    if (!row || row.current_version === 0) throw notFound('The plan');
    const now = ctx.clock();
    const { note } = cooperation;
    const sealed = {
      ...cooperation,
      ...(note !== undefined && { note: sealCooperationNote(ctx.cipher, row.id, note) }),
    };
    const stored = await insertCooperation(trx, sealed, {
      planId: row.id,
      recordedBy: caller.clientId,
      recordedAt: now,
    });
    const followUp = await withPendingWrites(trx, async (pending) => {
      pending.appendChanges([
        {
          planId: row.id,
          organisation: row.organisation,
          version: row.current_version,
          kind: 'cooperation_recorded',
          status: storedState(row.status),
          at: now,
          detail: { kind: cooperation.kind, date: cooperation.date },
        },
      ]);
      if (row.status === 'ended') return null;
      const by = { actor: caller.clientId, requestId };
      const { changes, snapshot } = await reassessPlan(trx, ctx, pending, row, by);
      pending.appendChanges(changes);
      return snapshot.assessment.deadlines.followUp;
    });
    return { ...stored, ...(note !== undefined && { note }), planId: row.id, followUp };
  });
}
