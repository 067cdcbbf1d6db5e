import type { NeedEvaluationRow, SubmissionRow } from '../db/lifecycle-schema.js';
import type { PlanRow, PruneReason } from '../db/schema.js';
import { type ConsentRecord, type ConsentStatus, mergeConsents } from '../domain/lifecycle/consents.js';
import type { MissingContentItem } from '../domain/lifecycle/content-items.js';
import type { Deadlines, OverdueReason } from '../domain/lifecycle/deadlines.js';
import type { Blocker, Lifecycle, PlanState } from '../domain/lifecycle/lifecycle.js';
import type { PersonalDetailsReviewStatus } from '../domain/lifecycle/reviews.js';
import { metByText } from '../domain/lifecycle/signatures.js';
import type { Plan, Signature } from '../domain/plan.js';
import type { Policy } from '../domain/policy/policy.js';
import type { PolicySource, ResolvedPolicy } from '../domain/policy/resolve.js';
import { type CurrentVersion, type LoadedLifecycle, storedState } from './lifecycle.service.js';

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

/** One delivery of a need evaluation as the status shows it: when, by whom, where and how far; no summary. */
export type NeedEvaluationStatusView = {
  id: string;
  version: number;
  date: string;
  by: { name: string; title: string };
  via: 'webhook' | 'inbox';
  status: NeedEvaluationRow['status'];
  createdAt: string;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
};

export function needEvaluationStatusView(e: NeedEvaluationRow): NeedEvaluationStatusView {
  return {
    id: e.id,
    version: e.version,
    date: e.date,
    by: { name: e.by_name, title: e.by_title },
    via: e.destination_id === null ? 'inbox' : 'webhook',
    status: e.status,
    createdAt: e.created_at.toISOString(),
    deliveredAt: e.delivered_at?.toISOString() ?? null,
    acknowledgedAt: e.acknowledged_at?.toISOString() ?? null,
  };
}

/** What data protection adds to a plan's status: its end, its holds, and whether its content is held. */
export interface PlanProtection {
  /** Set while the plan has ended; a new version reopens it. */
  ended: { on: string; version: number } | null;
  /** Legal holds in force: ids and dates, never their reasons. */
  holds: { id: string; createdAt: string }[];
  /** When and why the current version's content was pruned; null while it is held. */
  contentPruned: { at: string; reason: PruneReason } | null;
}

export interface PlanStatusView extends PlanProtection {
  id: string;
  version: number;
  status: PlanState;
  sourceSystem: string;
  unitId: string;
  /** Null once the current version's content is pruned. */
  dates: Plan['dates'] | null;
  waitingFor: Blocker[];
  missingContent: MissingContentItem[];
  /** Null once the current version's content is pruned: nothing is left to count from. */
  deadlines: Deadlines | null;
  overdue: OverdueReason[];
  /** Every signature recorded for the plan, every version; earlier versions keep theirs. */
  signatures: SignatureView[];
  /** Null once the current version's content is pruned. */
  signing: {
    signedContentHash: string;
    required: {
      role: string;
      satisfiedBy: 'signature' | 'guardian' | 'refusal' | null;
      /** `by guardian <name>` when a ställföreträdare's signature meets the person's role, else null. */
      metBy: string | null;
      /** The guardians who signed for the person, when their signatures meet the role. */
      guardians: string[];
    }[];
    outstanding: string[];
    complete: boolean;
    /** Roles that signed this round without being required: shown, not counted. */
    notRequiredRoles: string[];
  } | null;
  submissionDue: boolean;
  submissions: {
    id: string;
    version: number;
    status: string;
    createdAt: string;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
  }[];
  /** Routine 003: the kontaktman's evaluations of a changed need and their deliveries; never their summaries. */
  needEvaluations: NeedEvaluationStatusView[];
  plannerNotification: Lifecycle['plannerNotification'];
  /** Routine 000: the kontaktman's review of the personal details for the current occasion. */
  personalDetailsReview: PersonalDetailsReviewStatus;
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
  protection: PlanProtection,
  needEvaluations: readonly NeedEvaluationRow[],
): PlanStatusView {
  const { lifecycle, deadlines, overdue } = loaded.assessment;
  const round = lifecycle.signatures;
  const ended = protection.ended !== null;
  return {
    ...protection,
    id: row.id,
    version: current.version,
    // An ended plan's deadlines no longer run: nothing about it is overdue.
    status: ended ? 'ended' : lifecycle.state,
    sourceSystem: row.source_system,
    unitId: row.unit_id,
    dates: current.plan.dates,
    waitingFor: lifecycle.waitingFor,
    missingContent: lifecycle.missingContent,
    deadlines,
    overdue: ended ? [] : overdue,
    signatures: loaded.signatures.map(({ recordedAt, ...signature }) => ({
      ...signature,
      current: signature.signedContentHash === round.signedContentHash,
      recordedAt: recordedAt.toISOString(),
    })),
    signing: {
      signedContentHash: round.signedContentHash,
      required: round.required.map((status) => ({
        role: status.role,
        satisfiedBy: status.satisfiedBy,
        metBy: metByText(status),
        guardians: status.byGuardians.map((s) => s.name),
      })),
      outstanding: round.outstanding,
      complete: round.complete,
      notRequiredRoles: [...new Set(round.notRequired.map((s) => s.role))],
    },
    submissionDue: lifecycle.submissionDue,
    submissions: loaded.submissions.map(submissionView),
    needEvaluations: needEvaluations.map(needEvaluationStatusView),
    plannerNotification: lifecycle.plannerNotification,
    personalDetailsReview: loaded.assessment.personalDetailsReview,
    consents: mergeConsents(current.plan.consents, consentRecords),
    policy: { source: loaded.resolved.source, rules: loaded.resolved.policy },
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The status of a plan whose current version's content was pruned: what its metadata still
 * says (state, unit, submissions and receipts, its end, its holds), and nothing derived from
 * the content that is gone.
 */
export function prunedPlanStatus(
  row: PlanRow,
  records: {
    resolved: ResolvedPolicy;
    submissions: readonly SubmissionRow[];
    needEvaluations: readonly NeedEvaluationRow[];
  },
  protection: PlanProtection,
): PlanStatusView {
  return {
    ...protection,
    id: row.id,
    version: row.current_version,
    status: storedState(row.status),
    sourceSystem: row.source_system,
    unitId: row.unit_id,
    dates: null,
    waitingFor: [],
    missingContent: [],
    deadlines: null,
    overdue: [],
    signatures: [],
    signing: null,
    submissionDue: false,
    submissions: records.submissions.map(submissionView),
    needEvaluations: records.needEvaluations.map(needEvaluationStatusView),
    plannerNotification: 'not_required',
    personalDetailsReview: { state: 'not_required', occasionFrom: null, dueBy: null, review: null },
    consents: [],
    policy: { source: records.resolved.source, rules: records.resolved.policy },
    updatedAt: row.updated_at.toISOString(),
  };
}

function submissionView(s: SubmissionRow): PlanStatusView['submissions'][number] {
  return {
    id: s.id,
    version: s.version,
    status: s.status,
    createdAt: s.created_at.toISOString(),
    deliveredAt: s.delivered_at?.toISOString() ?? null,
    acknowledgedAt: s.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: s.acknowledged_by,
  };
}
