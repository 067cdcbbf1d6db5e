import type { PlanRow } from '../db/schema.js';
import { type ConsentRecord, type ConsentStatus, mergeConsents } from '../domain/lifecycle/consents.js';
import type { MissingContentItem } from '../domain/lifecycle/content-items.js';
import type { Deadlines, OverdueReason } from '../domain/lifecycle/deadlines.js';
import type { Blocker, Lifecycle, LifecycleState } from '../domain/lifecycle/lifecycle.js';
import type { Plan, Signature } from '../domain/plan.js';
import type { Policy } from '../domain/policy/policy.js';
import type { PolicySource } from '../domain/policy/resolve.js';
import type { CurrentVersion, LoadedLifecycle } from './lifecycle.service.js';

/** States derivable from a version's own dates; a superseded version is only as far as these say. */
export const PLAN_STATUSES = ['draft', 'established', 'communicated'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export function derivePlanStatus(plan: Plan): PlanStatus {
  if (plan.dates.communicated) return 'communicated';
  if (plan.dates.established) return 'established';
  return 'draft';
}

/** A recorded signature or refusal, with the version and content it binds to. */
export type SignatureView = Signature & {
  version: number;
  signedContentHash: string;
  source: 'document' | 'api';
  /** Bound to the current version's content: part of the current signing round. */
  current: boolean;
  recordedAt: string;
};

export interface PlanStatusView {
  id: string;
  version: number;
  status: LifecycleState;
  sourceSystem: string;
  unitId: string;
  dates: Plan['dates'];
  waitingFor: Blocker[];
  missingContent: MissingContentItem[];
  deadlines: Deadlines;
  overdue: OverdueReason[];
  /** Every signature recorded for the plan, every version; earlier versions keep theirs. */
  signatures: SignatureView[];
  signing: {
    signedContentHash: string;
    required: { role: string; satisfiedBy: 'signature' | 'refusal' | null }[];
    outstanding: string[];
    complete: boolean;
    /** Roles that signed this round without being required: shown, not counted. */
    notRequiredRoles: string[];
  };
  submissionDue: boolean;
  submissions: {
    id: string;
    version: number;
    status: string;
    createdAt: string;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
  }[];
  plannerNotification: Lifecycle['plannerNotification'];
  consents: ConsentStatus[];
  policy: { source: PolicySource; rules: Policy };
  updatedAt: string;
}

/**
 * Everything `GET /v1/plans/{id}/status` says about a plan: the lifecycle of the current
 * version under its resolved policy, on the day the clock says. Its ETag is a hash of this
 * view, so it changes whenever any of it does.
 */
export function assemblePlanStatus(
  row: PlanRow,
  current: CurrentVersion,
  loaded: LoadedLifecycle,
  consentRecords: readonly ConsentRecord[],
): PlanStatusView {
  const { lifecycle, deadlines, overdue } = loaded.assessment;
  const round = lifecycle.signatures;
  return {
    id: row.id,
    version: current.version,
    status: lifecycle.state,
    sourceSystem: row.source_system,
    unitId: row.unit_id,
    dates: current.plan.dates,
    waitingFor: lifecycle.waitingFor,
    missingContent: lifecycle.missingContent,
    deadlines,
    overdue,
    signatures: loaded.signatures.map(({ recordedAt, ...signature }) => ({
      ...signature,
      current: signature.signedContentHash === round.signedContentHash,
      recordedAt: recordedAt.toISOString(),
    })),
    signing: {
      signedContentHash: round.signedContentHash,
      required: round.required.map(({ role, satisfiedBy }) => ({ role, satisfiedBy })),
      outstanding: round.outstanding,
      complete: round.complete,
      notRequiredRoles: [...new Set(round.notRequired.map((s) => s.role))],
    },
    submissionDue: lifecycle.submissionDue,
    submissions: loaded.submissions.map((s) => ({
      id: s.id,
      version: s.version,
      status: s.status,
      createdAt: s.created_at.toISOString(),
      deliveredAt: s.delivered_at?.toISOString() ?? null,
      acknowledgedAt: s.acknowledged_at?.toISOString() ?? null,
    })),
    plannerNotification: lifecycle.plannerNotification,
    consents: mergeConsents(current.plan.consents, consentRecords),
    policy: { source: loaded.resolved.source, rules: loaded.resolved.policy },
    updatedAt: row.updated_at.toISOString(),
  };
}
