/**
 * The lifecycle of a plan, derived — never stored as the only truth — from its current
 * version, its policy and what has happened to it: draft → established (fastställd) →
 * communicated (kommunicerad) → signed → submitted (avgiven) → acknowledged. The service
 * stores the derived state and records the transitions between two derivations.
 */
import type { SignatureRole } from '../codes.js';
import type { Plan } from '../plan.js';
import { signedContentHash } from '../plan-hashes.js';
import type { Policy } from '../policy/policy.js';
import { isBlank } from '../text.js';
import { type MissingContentItem, missingContent } from './content-items.js';
import type { CooperationEvent } from './cooperation.js';
import { PlanIncomplete, SubmissionRefused } from './errors.js';
import type { Review } from './reviews.js';
import { type RecordedSignature, type SignatureRound, signatureRound } from './signatures.js';

export const LIFECYCLE_STATES = [
  'draft',
  'established',
  'communicated',
  'signed',
  'submitted',
  'acknowledged',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/**
 * What a plan row can say: its derived lifecycle state, or `ended` (the intervention ended,
 * insatsen avslutad) until a new version reopens it.
 */
export const PLAN_STATES = [...LIFECYCLE_STATES, 'ended'] as const;
export type PlanState = (typeof PLAN_STATES)[number];

/** A submission (avgivande) to the case officer, bound to the full content hash of the version sent. */
export interface SubmissionRecord {
  id: string;
  contentHash: string;
  /**
   * `pending` while queued or retrying; `delivered` once the receiver answered 2xx (or the
   * submission went to the pull inbox); `failed` once delivery has given up (an admin may retry).
   */
  outcome: 'pending' | 'delivered' | 'failed';
}

/** The receiving system acknowledged a submission (webhook answered, or inbox item acked). */
export interface ReceiptRecord {
  submissionId: string;
}

export interface LifecycleInput {
  plan: Plan;
  /** The version's full content hash, as the store computes it; submissions bind to it. */
  contentHash: string;
  /** The hash signatures bind to, when the caller has it; else computed from `plan`. */
  signedContentHash?: string;
  /** The system the plan was pushed from (`lifecare`, `procapita`, `pulsen-combine`, `canonical`…). */
  sourceSystem: string;
  policy: Policy;
  /** Every signature recorded for the plan, any version; only the current round counts. */
  signatures: readonly RecordedSignature[];
  submissions: readonly SubmissionRecord[];
  receipts: readonly ReceiptRecord[];
  /** Reviews recorded for the plan (routine 000's personal-details review), any occasion. */
  reviews: readonly Review[];
  /** Changed external cooperation recorded for the plan (routine 003), any time. */
  cooperation: readonly CooperationEvent[];
}

/** What keeps a plan from its next state. */
export type Blocker =
  | { code: 'established_date_missing' }
  | { code: 'content_incomplete'; missing: MissingContentItem[] }
  | { code: 'communicated_date_missing' }
  | { code: 'signatures_outstanding'; roles: SignatureRole[] }
  | { code: 'not_submitted' }
  | { code: 'submission_pending'; submissionId: string }
  | { code: 'submission_failed'; submissionId: string }
  | { code: 'receipt_outstanding'; submissionId: string };

export interface Lifecycle {
  state: LifecycleState;
  /** Empty once the plan is acknowledged. */
  waitingFor: Blocker[];
  missingContent: MissingContentItem[];
  signedContentHash: string;
  signatures: SignatureRound;
  /** The policy wants the plan submitted now and no submission of this version exists yet. */
  submissionDue: boolean;
  /** Home care under a policy that asks for it: the kontaktman's note to the planner. */
  plannerNotification: 'not_required' | 'present' | 'missing';
}

/**
 * Derives the state of the current version. Established needs `dates.established` and every
 * content item the policy requires (an established date on an incomplete plan keeps it a
 * draft, and `waitingFor` says why); communicated needs `dates.communicated`; signed needs
 * every required role satisfied in the current signing round; submitted needs a submission of
 * this very version that the receiver took (a 2xx, or the inbox); acknowledged needs a receipt for one. The states are
 * a ladder: a plan with signatures but no communicated date is established, waiting for it.
 */
export function deriveLifecycle(input: LifecycleInput): Lifecycle {
  const { plan, policy } = input;
  const missing = missingContent(plan, policy);
  const hash = input.signedContentHash ?? signedContentHash(plan);
  const round = signatureRound({
    plan,
    signedContentHash: hash,
    sourceSystem: input.sourceSystem,
    policy,
    recorded: input.signatures,
  });
  const submissions = input.submissions.filter((s) => s.contentHash === input.contentHash);
  // A 2xx from the receiver makes the plan submitted; a delivery still under way does not.
  const live = submissions.filter((s) => s.outcome === 'delivered');
  const acknowledged = live.find((s) => input.receipts.some((r) => r.submissionId === s.id));
  const common = {
    missingContent: missing,
    signedContentHash: hash,
    signatures: round,
    plannerNotification: plannerNotificationStatus(plan, policy),
  };
  const at = (state: LifecycleState, waitingFor: Blocker[]): Lifecycle => ({
    state,
    waitingFor,
    submissionDue: state === 'signed' && policy.submitWhenCompleteAndSigned && submissions.length === 0,
    ...common,
  });

  const draftBlockers: Blocker[] = [];
  if (!plan.dates.established) draftBlockers.push({ code: 'established_date_missing' });
  const contentMissing = missing.filter((item) => item.key !== 'established_date');
  if (contentMissing.length > 0) draftBlockers.push({ code: 'content_incomplete', missing: contentMissing });
  if (draftBlockers.length > 0) return at('draft', draftBlockers);
  if (!plan.dates.communicated) return at('established', [{ code: 'communicated_date_missing' }]);
  if (!round.complete)
    return at('communicated', [{ code: 'signatures_outstanding', roles: round.outstanding }]);
  if (live.length === 0) {
    const pending = submissions.find((s) => s.outcome === 'pending');
    const failed = submissions.find((s) => s.outcome === 'failed');
    return at('signed', [
      pending
        ? { code: 'submission_pending', submissionId: pending.id }
        : failed
          ? { code: 'submission_failed', submissionId: failed.id }
          : { code: 'not_submitted' },
    ]);
  }
  if (!acknowledged)
    return at(
      'submitted',
      live.map((s) => ({ code: 'receipt_outstanding', submissionId: s.id })),
    );
  return at('acknowledged', []);
}

export interface Transition {
  from: PlanState;
  to: PlanState;
}

/**
 * The transitions to record between the stored state and a new derivation. Forward moves are
 * recorded step by step (a pushed plan that is established, communicated and signed at once
 * gives three), so the change feed never skips a state. A backward move is one step: a new
 * version after signing (signatures bind to content) or an established plan whose new
 * version lacks content. A new plan starts as a draft (`previous` undefined). An ended plan
 * that a new version reopens moves in one step to the state the version derives.
 */
export function lifecycleTransitions(previous: PlanState | undefined, current: LifecycleState): Transition[] {
  if (previous === 'ended') return [{ from: 'ended', to: current }];
  const from = LIFECYCLE_STATES.indexOf(previous ?? 'draft');
  const to = LIFECYCLE_STATES.indexOf(current);
  if (to < from) return [{ from: LIFECYCLE_STATES[from]!, to: current }];
  return LIFECYCLE_STATES.slice(from, to).map((state, i) => ({
    from: state,
    to: LIFECYCLE_STATES[from + i + 1]!,
  }));
}

/**
 * Why `POST /v1/plans/{id}/submissions` must be refused, or undefined when the plan may be
 * submitted (avges). Missing content is named first (`PlanIncomplete`, 422); otherwise the
 * plan must be established, communicated and signed (`SubmissionRefused`, 409). A plan that
 * is already submitted may be submitted again (a retry or a resend).
 */
export function submissionRefusal(lifecycle: Lifecycle): PlanIncomplete | SubmissionRefused | undefined {
  if (lifecycle.missingContent.length > 0) return new PlanIncomplete(lifecycle.missingContent);
  switch (lifecycle.state) {
    case 'draft':
      return new SubmissionRefused('not_established');
    case 'established':
      return new SubmissionRefused('not_communicated');
    case 'communicated':
      return new SubmissionRefused('signatures_outstanding', lifecycle.signatures.outstanding);
    case 'signed':
    case 'submitted':
    case 'acknowledged':
      return undefined;
  }
}

function plannerNotificationStatus(plan: Plan, policy: Policy): Lifecycle['plannerNotification'] {
  if (!policy.plannerNotificationForHomeCare || plan.plan.serviceType.code !== 'HEMTJANST')
    return 'not_required';
  return plan.plannerNotification !== undefined && !isBlank(plan.plannerNotification) ? 'present' : 'missing';
}
