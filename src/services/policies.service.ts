import { withPendingWrites } from '../db/pending-writes.js';
import { lockOwnPlan } from '../db/repositories/lifecycle.repository.js';
import {
  findPolicy,
  listPlanIdsUnder,
  type StoredPolicy,
  upsertPolicy,
} from '../db/repositories/policies.repository.js';
import type { PolicyResult, PolicySource } from '../domain/policy/resolve.js';
import type { Caller, ServiceContext } from './context.js';
import { forbidden, invalidRequest } from './errors.js';
import { type Actor, reassessPlan } from './lifecycle.service.js';

export interface PolicyScope {
  organisation: string;
  /** A unit of the organisation; null for the organisation's own policy. */
  unitId: string | null;
}

/**
 * Stores a policy (built by `buildPolicy` or `policyFromFlags`) for an organisation or one of
 * its units, and re-derives the plans it governs in the same transaction: a changed rule can
 * move a plan (a role no longer required completes its signing round) and its deadlines, and
 * those transitions and overdue changes appear in the change feed like any other.
 */
export async function setPolicy(
  ctx: ServiceContext,
  scope: PolicyScope,
  built: PolicyResult,
  by: Actor,
): Promise<StoredPolicy> {
  if (!built.ok) throw invalidRequest(built.issues, 'The policy is not valid');
  return ctx.db.transaction().execute(async (trx) => {
    const stored = await upsertPolicy(trx, {
      ...scope,
      policy: built.policy,
      updatedAt: ctx.clock(),
      updatedBy: by.actor,
    });
    await withPendingWrites(trx, async (pending) => {
      for (const id of await listPlanIdsUnder(trx, scope.organisation, scope.unitId)) {
        const row = await lockOwnPlan(trx, scope.organisation, id);
        if (row) pending.appendChanges((await reassessPlan(trx, ctx, pending, row, by)).changes);
      }
    });
    return stored;
  });
}

export interface AppliedPolicy {
  organisation: string;
  unitId: string | null;
  /** Where the policy that applies comes from; `default` (policy null): each plan follows the preset of its law. */
  source: PolicySource;
  policy: StoredPolicy | null;
}

/** The policy that applies to the organisation, or to one unit (its own, else the organisation's). */
export async function getPolicy(ctx: ServiceContext, scope: PolicyScope): Promise<AppliedPolicy> {
  const own = scope.unitId === null ? undefined : await findPolicy(ctx.db, scope.organisation, scope.unitId);
  const organisation = own ? undefined : await findPolicy(ctx.db, scope.organisation, null);
  const source: PolicySource = own ? 'unit' : organisation ? 'organisation' : 'default';
  return { ...scope, source, policy: own ?? organisation ?? null };
}

/** An admin manages its own organisation's policies only. */
export function checkOwnOrganisation(caller: Caller, organisation: string): void {
  if (caller.organisation !== organisation) {
    throw forbidden("An admin may only manage its own organisation's policies");
  }
}
