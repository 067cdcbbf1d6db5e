import { createHmac } from 'node:crypto';
import type { Executor, Tx } from '../db/database.js';
import type { SubmissionRow } from '../db/lifecycle-schema.js';
import type { PendingWrites } from '../db/pending-writes.js';
import {
  overdueWrites,
  planStateUpdate,
  readLifecycleRecords,
  type StoredSignature,
  signaturesInsert,
  transitionsInsert,
} from '../db/repositories/lifecycle.repository.js';
import type { NewPlanChange } from '../db/repositories/plan-changes.repository.js';
import type { StoredReview } from '../db/repositories/plan-records.repository.js';
import { findPlanVersion } from '../db/repositories/plans.repository.js';
import type { UnitPolicies } from '../db/repositories/policies.repository.js';
import type { PlanRow, PlanVersionRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Law } from '../domain/codes.js';
import { assessPlan, type PlanAssessment } from '../domain/lifecycle/assess.js';
import type { CooperationEvent } from '../domain/lifecycle/cooperation.js';
import { type OverdueReason, overdueChanges } from '../domain/lifecycle/deadlines.js';
import {
  type LifecycleInput,
  type LifecycleState,
  lifecycleTransitions,
  PLAN_STATES,
  type PlanState,
} from '../domain/lifecycle/lifecycle.js';
import {
  documentSignaturesToRecord,
  type RecordedSignature,
  signatureKey,
} from '../domain/lifecycle/signatures.js';
import type { Plan } from '../domain/plan.js';
import { signedContentHash } from '../domain/plan-hashes.js';
import { type ResolvedPolicy, resolvePolicy } from '../domain/policy/resolve.js';
import type { ServiceContext } from './context.js';
import { ContentPruned } from './errors.js';
import { openSignature, sealSignature } from './personal-fields.js';

/** The version the lifecycle is derived from. */
export interface CurrentVersion {
  version: number;
  plan: Plan;
  /** The store's content hash of the version (submissions bind to it). */
  contentHash: string;
  /** The hash signatures bind to (plan-hashes.ts), computed once per version in hand. */
  signedContentHash: string;
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
  /** The overdue reasons as stored now. */
  overdue: OverdueReason[];
  /** Reviews recorded for the plan (routine 000's personal-details review). */
  reviews: StoredReview[];
  /** Changed external cooperation recorded for the plan (routine 003). */
  cooperation: CooperationEvent[];
  assessment: PlanAssessment;
}

export async function loadLifecycle(
  db: Executor,
  ctx: ServiceContext,
  row: Pick<PlanRow, 'id' | 'organisation' | 'source_system'>,
  current: CurrentVersion,
  today: string,
): Promise<LoadedLifecycle> {
  const known = await readRecords(db, ctx, row, current.plan);
  const input = lifecycleInput(row.source_system, current, known, known.signatures);
  return { ...known, assessment: assessPlan(input, today) };
}

/** A locked plan's whole lifecycle read from the store, to hand to a step that changes it. */
export async function loadSnapshot(trx: Tx, ctx: ServiceContext, row: PlanRow): Promise<LifecycleSnapshot> {
  const current = await currentVersion(trx, ctx, row);
  return { ...(await loadLifecycle(trx, ctx, row, current, stockholmDate(ctx.clock()))), current };
}

/** Everything the rules read besides the version, in one round trip; signature names opened. */
export async function readRecords(
  db: Executor,
  ctx: ServiceContext,
  row: Pick<PlanRow, 'id' | 'organisation'>,
  plan: Plan,
): Promise<KnownLifecycle> {
  const records = await readLifecycleRecords(db, row, plan.plan.unit.id);
  return {
    resolved: policyOf(records.policies, plan),
    signatures: records.signatures.map((signature) => openSignature(ctx.cipher, row.id, signature)),
    submissions: records.submissions,
    overdue: records.overdue,
    reviews: records.reviews,
    cooperation: records.cooperation,
  };
}

/** The policy a plan falls under, from the stored policies of its organisation and unit. */
export function policyOf(stored: UnitPolicies, plan: Plan): ResolvedPolicy {
  return resolvePolicy({ ...stored, law: plan.plan.law as Law });
}

/**
 * A locked plan's lifecycle as this transaction knows it after a step: the next step in the
 * same transaction (a dispatch, an automatic submission) reuses it instead of reading again.
 */
export interface LifecycleSnapshot extends LoadedLifecycle {
  current: CurrentVersion;
}

/**
 * The records of a locked plan the caller already holds, read in this transaction or known to
 * be empty (a plan created in it); without them they are read from the store.
 */
export type KnownLifecycle = Pick<
  LifecycleSnapshot,
  'resolved' | 'signatures' | 'submissions' | 'overdue' | 'reviews' | 'cooperation'
>;

/** What a brand-new plan has recorded: nothing. */
export const NEW_PLAN: Omit<KnownLifecycle, 'resolved'> = {
  signatures: [],
  submissions: [],
  overdue: [],
  reviews: [],
  cooperation: [],
};

/**
 * Brings the lifecycle of a plan up to date inside the caller's transaction (the plan row is
 * locked): records the signatures the document carries, derives the state, records each
 * transition from `previous`, and reconciles the stored overdue reasons. Returns the new state,
 * the change-feed rows to append (transitions first, in order, then overdue events) and the
 * snapshot; the caller stores the state on the plan row and appends the rows. The writes are
 * left in `pending`: they go to the store with the appended rows.
 */
export async function advanceLifecycle(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  params: {
    row: Pick<PlanRow, 'id' | 'organisation' | 'source_system'>;
    previous: PlanState | undefined;
    current: CurrentVersion;
    by: Actor;
    now: Date;
    /** The Stockholm date overdue reasons are evaluated on; the date of `now` unless given. */
    today?: string;
    known?: KnownLifecycle;
  },
): Promise<{ state: LifecycleState; changes: NewPlanChange[]; snapshot: LifecycleSnapshot }> {
  const { row, current, by, now } = params;
  const today = params.today ?? stockholmDate(now);
  const known = params.known ?? (await readRecords(trx, ctx, row, current.plan));
  const signatures = recordDocumentSignatures(ctx, pending, params, known.signatures);
  const { resolved, submissions, reviews, cooperation } = known;
  const input = lifecycleInput(row.source_system, current, known, signatures);
  const assessment = assessPlan(input, today);
  const state = assessment.lifecycle.state;
  const base = { planId: row.id, organisation: row.organisation, version: current.version, at: now };

  const transitions = lifecycleTransitions(params.previous, state);
  pending.add(
    transitionsInsert(
      transitions.map((t) => ({ ...t, planId: row.id, version: current.version, at: now, ...by })),
    ),
  );
  const changes: NewPlanChange[] = transitions.map((t) => ({
    ...base,
    kind: 'status_changed',
    status: t.to,
    detail: { from: t.from, to: t.to },
  }));

  const stored = known.overdue;
  const overdue = overdueChanges(stored, assessment.overdue);
  pending.add(...overdueWrites(row.id, overdue, now));
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
  const overdueNow = [...stored.filter((r) => !overdue.cleared.includes(r)), ...overdue.became].sort((a, b) =>
    a.code.localeCompare(b.code),
  );
  return {
    state,
    changes,
    snapshot: {
      current,
      resolved,
      signatures,
      submissions,
      reviews,
      cooperation,
      assessment,
      overdue: overdueNow,
    },
  };
}

/**
 * Records the signatures the current version's document carries that are not recorded yet,
 * and returns every signature of the plan. `recorded` is what the caller read under the lock.
 */
function recordDocumentSignatures(
  ctx: ServiceContext,
  pending: PendingWrites,
  params: { row: Pick<PlanRow, 'id'>; current: CurrentVersion; by: Actor; now: Date },
  recorded: StoredSignature[],
): StoredSignature[] {
  const { row, current, by, now } = params;
  const fromDocument = documentSignaturesToRecord(current.plan, current.signedContentHash, recorded);
  pending.add(
    signaturesInsert(
      fromDocument.map((signature) => ({
        planId: row.id,
        version: current.version,
        signature: sealSignature(ctx.cipher, row.id, signature),
        dedupeKey: signatureDedupeKey(ctx.indexKey, signature),
        recordedBy: by.actor,
        recordedAt: now,
      })),
    ),
  );
  // The plan row is locked, so what was read plus what the document adds is all there is.
  return [...recorded, ...fromDocument.map((s) => ({ ...s, version: current.version, recordedAt: now }))];
}

/**
 * Re-derives a locked plan's current version after something outside the document changed
 * (a signature, a policy, a submission or receipt, the passing of time) and stores its state.
 * Returns the change-feed rows for the caller to append, and the snapshot; the writes are left
 * in `pending`.
 */
export async function reassessPlan(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  row: PlanRow,
  by: Actor,
  options: {
    today?: string;
    /** A version the caller has already read and decoded; used when it is still the current one. */
    current?: CurrentVersion;
    known?: KnownLifecycle;
  } = {},
): Promise<{ row: PlanRow; changes: NewPlanChange[]; snapshot: LifecycleSnapshot }> {
  const current =
    options.current?.version === row.current_version ? options.current : await currentVersion(trx, ctx, row);
  const now = ctx.clock();
  const { state, changes, snapshot } = await advanceLifecycle(trx, ctx, pending, {
    row,
    previous: storedState(row.status),
    current,
    by,
    now,
    ...(options.today !== undefined && { today: options.today }),
    ...(options.known && { known: options.known }),
  });
  if (state === row.status) return { row, changes, snapshot };
  pending.add(planStateUpdate(row.id, { status: state, updated_at: now }));
  const updated = { ...row, status: state, updated_at: now };
  return { row: updated, changes, snapshot };
}

export async function currentVersion(
  db: Executor,
  ctx: ServiceContext,
  row: PlanRow,
): Promise<CurrentVersion> {
  const stored = await findPlanVersion(db, row.id, row.current_version);
  if (!stored) throw new Error('the current version of a plan is missing');
  return decodeVersion(ctx, row.id, stored);
}

/** A stored version with its document decoded; a pruned one is ContentPruned (410). */
export function decodeVersion(
  ctx: ServiceContext,
  planId: string,
  stored: HeldOrPruned & Pick<PlanVersionRow, 'content_hash'>,
): CurrentVersion {
  const plan = decodeDocument(ctx, planId, stored);
  return {
    version: stored.version,
    plan,
    contentHash: stored.content_hash,
    signedContentHash: signedContentHash(plan),
  };
}

type HeldOrPruned = Pick<PlanVersionRow, 'version' | 'document' | 'pruned_at' | 'prune_reason'>;

/** The canonical plan of a stored version; ContentPruned (410) once its content is gone. */
export function decodeDocument(ctx: ServiceContext, planId: string, stored: HeldOrPruned): Plan {
  if (stored.document === null) {
    throw new ContentPruned(
      `The content of version ${stored.version} of the plan`,
      stored.pruned_at ?? new Date(0),
      stored.prune_reason ?? 'retention',
    );
  }
  return ctx.codec.decode(stored.document, { planId, version: stored.version });
}

/** The state stored on the plan row (rows written before the lifecycle say draft…communicated). */
export function storedState(status: string): PlanState {
  return (PLAN_STATES as readonly string[]).includes(status) ? (status as PlanState) : 'draft';
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
  {
    resolved,
    submissions,
    reviews,
    cooperation,
  }: Pick<KnownLifecycle, 'resolved' | 'submissions' | 'reviews' | 'cooperation'>,
  signatures: readonly RecordedSignature[],
): LifecycleInput {
  return {
    plan: current.plan,
    contentHash: current.contentHash,
    signedContentHash: current.signedContentHash,
    sourceSystem,
    policy: resolved.policy,
    signatures,
    submissions: submissions.map((s) => ({
      id: s.id,
      contentHash: s.content_hash,
      outcome: s.status === 'queued' ? 'pending' : s.status === 'failed' ? 'failed' : 'delivered',
    })),
    receipts: submissions.filter((s) => s.status === 'acknowledged').map((s) => ({ submissionId: s.id })),
    reviews,
    cooperation,
  };
}
