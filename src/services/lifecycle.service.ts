import { createHmac } from 'node:crypto';
import type { Executor, Tx } from '../db/database.js';
import type { SubmissionRow } from '../db/lifecycle-schema.js';
import {
  insertSignatures,
  insertTransitions,
  listOverdue,
  listSignatures,
  listSubmissions,
  type StoredSignature,
  updateOverdue,
  updatePlanState,
} from '../db/repositories/lifecycle.repository.js';
import type { NewPlanChange } from '../db/repositories/plan-changes.repository.js';
import { findPlanVersion } from '../db/repositories/plans.repository.js';
import { findPoliciesFor } from '../db/repositories/policies.repository.js';
import type { PlanRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Law } from '../domain/codes.js';
import { assessPlan, type PlanAssessment } from '../domain/lifecycle/assess.js';
import { overdueChanges } from '../domain/lifecycle/deadlines.js';
import {
  LIFECYCLE_STATES,
  type LifecycleInput,
  type LifecycleState,
  lifecycleTransitions,
} from '../domain/lifecycle/lifecycle.js';
import {
  documentSignaturesToRecord,
  type RecordedSignature,
  signatureKey,
} from '../domain/lifecycle/signatures.js';
import { signedContentHash } from '../domain/lifecycle/signed-content.js';
import type { Plan } from '../domain/plan.js';
import { type ResolvedPolicy, resolvePolicy } from '../domain/policy/resolve.js';
import type { ServiceContext } from './context.js';
import { openSignature, sealSignature } from './personal-fields.js';

/** The version the lifecycle is derived from. */
export interface CurrentVersion {
  version: number;
  plan: Plan;
  /** The store's content hash of the version (submissions bind to it). */
  contentHash: string;
}

/** Who caused a reassessment: a client (its id and the request) or the scheduled scan. */
export interface Actor {
  actor: string;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { actor: 'system', requestId: null };

/** Everything the rules need about one plan, read from the store, and what they say today. */
export interface LoadedLifecycle {
  resolved: ResolvedPolicy;
  signatures: StoredSignature[];
  submissions: SubmissionRow[];
  assessment: PlanAssessment;
}

export async function loadLifecycle(
  db: Executor,
  ctx: ServiceContext,
  row: Pick<PlanRow, 'id' | 'organisation' | 'source_system'>,
  current: CurrentVersion,
  today: string,
  /** The plan's signatures when the caller has just read them under the plan lock. */
  known?: StoredSignature[],
): Promise<LoadedLifecycle> {
  const resolved = await policyFor(db, row.organisation, current.plan);
  const signatures = known ?? (await readSignatures(db, ctx, row.id));
  const submissions = await listSubmissions(db, row.id);
  const input = lifecycleInput(row.source_system, current, resolved, signatures, submissions);
  return { resolved, signatures, submissions, assessment: assessPlan(input, today) };
}

export async function policyFor(db: Executor, organisation: string, plan: Plan): Promise<ResolvedPolicy> {
  const stored = await findPoliciesFor(db, organisation, plan.plan.unit.id);
  return resolvePolicy({ ...stored, law: plan.plan.law as Law });
}

/**
 * Brings the lifecycle of a plan up to date inside the caller's transaction (the plan row is
 * locked): records the signatures the document carries, derives the state, records each
 * transition from `previous`, and reconciles the stored overdue reasons. Returns the new state
 * and the change-feed rows to append (transitions first, in order, then overdue events); the
 * caller stores the state on the plan row and appends the rows last.
 */
export async function advanceLifecycle(
  trx: Tx,
  ctx: ServiceContext,
  params: {
    row: Pick<PlanRow, 'id' | 'organisation' | 'source_system'>;
    previous: LifecycleState | undefined;
    current: CurrentVersion;
    by: Actor;
    now: Date;
    /** The Stockholm date overdue reasons are evaluated on; the date of `now` unless given. */
    today?: string;
  },
): Promise<{ state: LifecycleState; changes: NewPlanChange[] }> {
  const { row, current, by, now } = params;
  const today = params.today ?? stockholmDate(now);
  const recorded = await readSignatures(trx, ctx, row.id);
  const hash = signedContentHash(current.plan);
  const fromDocument = documentSignaturesToRecord(current.plan, hash, recorded);
  await insertSignatures(
    trx,
    fromDocument.map((signature) => ({
      planId: row.id,
      version: current.version,
      signature: sealSignature(ctx.cipher, row.id, signature),
      dedupeKey: signatureDedupeKey(ctx.indexKey, signature),
      recordedBy: by.actor,
      recordedAt: now,
    })),
  );
  // Nothing new recorded: the signatures just read are all there are (the plan row is locked).
  const { assessment } = await loadLifecycle(
    trx,
    ctx,
    row,
    current,
    today,
    fromDocument.length === 0 ? recorded : undefined,
  );
  const state = assessment.lifecycle.state;
  const base = { planId: row.id, organisation: row.organisation, version: current.version, at: now };

  const transitions = lifecycleTransitions(params.previous, state);
  await insertTransitions(
    trx,
    transitions.map((t) => ({ ...t, planId: row.id, version: current.version, at: now, ...by })),
  );
  const changes: NewPlanChange[] = transitions.map((t) => ({
    ...base,
    kind: 'status_changed',
    status: t.to,
    detail: { from: t.from, to: t.to },
  }));

  const overdue = overdueChanges(await listOverdue(trx, row.id), assessment.overdue);
  await updateOverdue(trx, row.id, overdue, now);
  for (const [change, reasons] of [
    ['cleared', overdue.cleared],
    ['became', overdue.became],
  ] as const) {
    for (const reason of reasons) {
      changes.push({
        ...base,
        kind: 'overdue',
        status: state,
        detail: { change, reason: reason.code, dueOn: reason.dueOn, since: reason.overdueSince },
      });
    }
  }
  return { state, changes };
}

/**
 * Re-derives a locked plan's current version after something outside the document changed
 * (a signature, a policy, a submission or receipt, the passing of time) and stores its state.
 * Returns the change-feed rows for the caller to append last.
 */
export async function reassessPlan(
  trx: Tx,
  ctx: ServiceContext,
  row: PlanRow,
  by: Actor,
  today?: string,
  /** A version the caller has already read and decoded; used when it is still the current one. */
  known?: CurrentVersion,
): Promise<{ row: PlanRow; changes: NewPlanChange[] }> {
  const current = known?.version === row.current_version ? known : await currentVersion(trx, ctx, row);
  const now = ctx.clock();
  const { state, changes } = await advanceLifecycle(trx, ctx, {
    row,
    previous: storedState(row.status),
    current,
    by,
    now,
    ...(today !== undefined && { today }),
  });
  const updated =
    state === row.status ? row : await updatePlanState(trx, row.id, { status: state, updated_at: now });
  return { row: updated, changes };
}

export async function currentVersion(
  db: Executor,
  ctx: ServiceContext,
  row: PlanRow,
): Promise<CurrentVersion> {
  const stored = await findPlanVersion(db, row.id, row.current_version);
  if (!stored) throw new Error('the current version of a plan is missing');
  const plan = ctx.codec.decode(stored.document, { planId: row.id, version: stored.version });
  return { version: stored.version, plan, contentHash: stored.content_hash };
}

/** Every signature recorded for the plan, any version, names and reasons opened. */
export async function readSignatures(
  db: Executor,
  ctx: ServiceContext,
  planId: string,
): Promise<StoredSignature[]> {
  const stored = await listSignatures(db, planId);
  return stored.map((signature) => openSignature(ctx.cipher, planId, signature));
}

/** The state stored on the plan row, as a lifecycle state (rows written before the lifecycle say draft…communicated). */
export function storedState(status: string): LifecycleState {
  return (LIFECYCLE_STATES as readonly string[]).includes(status) ? (status as LifecycleState) : 'draft';
}

/**
 * A keyed hash of a signature's identity (signer, date, method, or the refusal's reason): the
 * unique key that makes a duplicate a no-op, without a name in an index.
 */
export function signatureDedupeKey(indexKey: string, signature: RecordedSignature): string {
  return createHmac('sha256', indexKey)
    .update(`signature:${signatureKey(signature)}`)
    .digest('hex');
}

function lifecycleInput(
  sourceSystem: string,
  current: CurrentVersion,
  resolved: ResolvedPolicy,
  signatures: readonly RecordedSignature[],
  submissions: readonly SubmissionRow[],
): LifecycleInput {
  return {
    plan: current.plan,
    contentHash: current.contentHash,
    sourceSystem,
    policy: resolved.policy,
    signatures,
    submissions: submissions.map((s) => ({
      id: s.id,
      contentHash: s.content_hash,
      outcome: s.status === 'queued' ? 'pending' : s.status === 'failed' ? 'failed' : 'delivered',
    })),
    receipts: submissions.filter((s) => s.status === 'acknowledged').map((s) => ({ submissionId: s.id })),
  };
}
