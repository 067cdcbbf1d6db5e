import { randomUUID } from 'node:crypto';
import { StatementRefused, type Tx, WRITES_ONLY } from '../db/database.js';
import { PendingWrites, withPendingWrites } from '../db/pending-writes.js';
import { type AuditDraft, auditInsert } from '../db/repositories/audit.repository.js';
import type { NewPlanChange } from '../db/repositories/plan-changes.repository.js';
import { closePlanEnd } from '../db/repositories/plan-ends.repository.js';
import {
  isPlanSourceKeyConflict,
  type PushReads,
  planInsert,
  planUpdate,
  planVersionInsert,
  readBeforePush,
  readForPush,
} from '../db/repositories/plans.repository.js';
import type { PlanRow } from '../db/schema.js';
import { dispatchAfterChanges } from '../delivery/submissions/dispatch-effects.js';
import type { FieldIssue } from '../domain/field-issue.js';
import type { Plan } from '../domain/plan.js';
import { type PlanHashes, planHashes } from '../domain/plan-hashes.js';
import type { Caller, ServiceContext } from './context.js';
import { invalidPlan, preconditionFailed } from './errors.js';
import { advanceLifecycle, NEW_PLAN, policyOf, storedState } from './lifecycle.service.js';
import { personIndex } from './plan-content.js';

export interface PushInput {
  caller: Caller;
  /** The system the plan came from: `canonical` for `POST /v1/plans`, else the adapter's name. */
  sourceSystem: string;
  plan: Plan;
  warnings: FieldIssue[];
  /** Version numbers from `If-Match`; the push is refused unless the current version is one of them. */
  ifMatch?: IfMatch;
  /** The HTTP request, recorded with the lifecycle transitions the push causes. */
  requestId?: string;
  /** The request's audit entry: stored with the push when it stores anything (the answer is then 201). */
  audit: AuditDraft;
}

export type IfMatch = { any: true } | { any: false; versions: number[] };

export interface PushResult {
  /** True when a plan or version was created (201), false for an identical push (200). */
  created: boolean;
  id: string;
  version: number;
  status: string;
  warnings: FieldIssue[];
}

/**
 * Stores a pushed plan, whatever wire format it arrived in: a new plan, a new version when
 * the content changed, or nothing when it is identical to the latest version. A new plan is
 * one statement; a new version one transaction, with the plan row locked so concurrent pushes
 * of one plan queue up. Either way its writes go as one statement (two when a write-back job
 * needs the id of its change).
 */
export async function pushPlan(ctx: ServiceContext, input: PushInput): Promise<PushResult> {
  const { caller, plan } = input;
  if (plan.plan.municipalityCode !== caller.organisation) {
    throw invalidPlan([
      { path: '/plan/municipalityCode', message: "must be the calling client's organisation (kommunkod)" },
    ]);
  }
  try {
    return await storePush(ctx, input);
  } catch (error) {
    // A concurrent first push of the same plan inserted it first: this one now finds the row
    // and queues behind it like any later push.
    if (!isPlanSourceKeyConflict(error)) throw error;
    return storePush(ctx, input);
  }
}

async function storePush(ctx: ServiceContext, input: PushInput): Promise<PushResult> {
  const { plan } = input;
  const hashes = planHashes(plan);
  const { contentHash } = hashes;
  const key = {
    organisation: input.caller.organisation,
    sourceSystem: input.sourceSystem,
    sourcePlanId: plan.plan.sourcePlanId,
  };
  const unitId = plan.plan.unit.id;
  // Read first without a lock: an identical push is answered from it, and a new plan is
  // stored by one statement, atomic on its own, without a transaction around it.
  const seen = await readBeforePush(ctx.db, key, unitId);
  checkIfMatch(input.ifMatch, seen.found?.row.current_version);
  if (seen.found?.contentHash === contentHash) return result(false, seen.found.row, input.warnings);
  if (!seen.found) {
    try {
      const pending = new PendingWrites();
      const stored = await storeVersion(WRITES_ONLY, ctx, pending, input, seen, hashes);
      await pending.flush(ctx.db);
      return stored;
    } catch (error) {
      // What the push dispatches needed a statement of its own (a write-back job's change id):
      // nothing was sent, so it is stored in a transaction instead.
      if (!(error instanceof StatementRefused)) throw error;
    }
  }
  return ctx.db.transaction().execute((trx) =>
    withPendingWrites(trx, async (pending) => {
      const reads = await readForPush(trx, key, unitId);
      checkIfMatch(input.ifMatch, reads.found?.row.current_version);
      if (reads.found?.contentHash === contentHash) return result(false, reads.found.row, input.warnings);
      return storeVersion(trx, ctx, pending, input, reads, hashes);
    }),
  );
}

/**
 * The writes of a new version (of a new plan, or of the plan `reads` found under its lock), its
 * lifecycle and what it dispatches, left in `pending` for the caller to send.
 */
async function storeVersion(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  input: PushInput,
  reads: PushReads,
  hashes: PlanHashes,
): Promise<PushResult> {
  const { caller, plan } = input;
  const { found, policies, destinations } = reads;
  const now = ctx.clock();
  const existing = found?.row ?? newPlanRow(input, now);
  const isNew = found === undefined;
  const version = existing.current_version + 1;
  // A new version reopens an ended plan; the end stays on record.
  if (existing.status === 'ended') await closePlanEnd(trx, existing.id, version, now);
  pending.add(
    planVersionInsert({
      planId: existing.id,
      version,
      contentHash: hashes.contentHash,
      document: ctx.codec.encode(plan, { planId: existing.id, version }),
      warnings: input.warnings,
      sourceSystem: input.sourceSystem,
      pushedBy: caller.clientId,
      createdAt: now,
    }),
  );
  // Signatures in the document, state, transitions and overdue reasons: lifecycle.service.ts.
  const lifecycle = await advanceLifecycle(trx, ctx, pending, {
    row: existing,
    previous: isNew ? undefined : storedState(existing.status),
    current: { version, plan, ...hashes },
    by: { actor: caller.clientId, requestId: input.requestId ?? null },
    now,
    // An existing plan's records, policies included, are read under its lock.
    ...(isNew && { known: { ...NEW_PLAN, resolved: policyOf(policies, plan) } }),
  });
  const update = {
    unit_id: plan.plan.unit.id,
    law: plan.plan.law,
    service_type: plan.plan.serviceType.code,
    current_version: version,
    status: lifecycle.state,
    person_index: personIndex(ctx.indexKey, plan.person.identityNumber),
    updated_at: now,
  };
  const updated = { ...existing, ...update };
  pending.add(isNew ? planInsert(updated) : planUpdate(existing.id, update));
  const stored = { planId: existing.id, version, status: 201, outcome: 'success' } as const;
  pending.add(auditInsert({ ...input.audit, ...stored }));
  const changes = [...changesOf(updated, isNew, now), ...lifecycle.changes];
  pending.appendChanges(changes);
  // Sign-off requests, notices, write-backs and the lss auto-submission: in this transaction,
  // and but for a write-back's, in the one statement that stores the push.
  await dispatchAfterChanges(trx, ctx, pending, {
    row: updated,
    changes,
    snapshot: lifecycle.snapshot,
    requestId: input.requestId ?? null,
    destinations,
  });
  return result(true, updated, input.warnings);
}

/** A plan not stored yet, as the first push leaves it before its lifecycle is derived (a draft at version 0). */
function newPlanRow(input: PushInput, now: Date): PlanRow {
  const { plan, caller } = input;
  return {
    id: randomUUID(),
    organisation: caller.organisation,
    source_system: input.sourceSystem,
    source_plan_id: plan.plan.sourcePlanId,
    unit_id: plan.plan.unit.id,
    law: plan.plan.law,
    service_type: plan.plan.serviceType.code,
    current_version: 0,
    status: 'draft',
    person_index: '',
    created_at: now,
    updated_at: now,
  };
}

function checkIfMatch(ifMatch: IfMatch | undefined, currentVersion: number | undefined): void {
  if (!ifMatch) return;
  if (currentVersion === undefined)
    throw preconditionFailed('If-Match was given but the plan does not exist yet');
  if (!ifMatch.any && !ifMatch.versions.includes(currentVersion)) {
    throw preconditionFailed(`The plan's current version is ${currentVersion}, not the one in If-Match`);
  }
}

// Each state change follows as its own status_changed row (lifecycle.service.ts).
function changesOf(after: PlanRow, isNew: boolean, at: Date): NewPlanChange[] {
  const base = { planId: after.id, organisation: after.organisation, version: after.current_version, at };
  return [{ ...base, kind: isNew ? 'plan_created' : 'version_created', status: after.status }];
}

function result(created: boolean, row: PlanRow, warnings: FieldIssue[]): PushResult {
  return { created, id: row.id, version: row.current_version, status: row.status, warnings };
}
