/**
 * Deadlines and overdue reasons, in Europe/Stockholm calendar dates. A deadline is the last
 * day on which the thing may happen; the plan is overdue from the day after. Dates are
 * calendar arithmetic (calendar-date.ts), so DST never moves a deadline; only "today" is
 * taken from an instant, through the injected clock.
 */
import { addDays, addMonths, type CalendarDate, stockholmDate } from '../calendar-date.js';
import type { Plan } from '../plan.js';
import type { Policy } from '../policy/policy.js';
import { type CooperationEvent, type CooperationRevision, cooperationRevision } from './cooperation.js';
import type { Lifecycle, LifecycleState } from './lifecycle.js';
import type { PersonalDetailsReviewStatus } from './reviews.js';

/** The injected clock: services and jobs pass one, tests pass a fixed instant. */
export interface Clock {
  now(): Date;
}

/** Today in Europe/Stockholm: 2025-03-30T22:30Z is already 2025-03-31 (CEST, UTC+2). */
export function stockholmToday(clock: Clock): CalendarDate {
  return stockholmDate(clock.now());
}

export interface FollowUpDeadline {
  /**
   * The earliest of the plan's own next follow-up, the latest the policy allows, and the
   * revision a changed external cooperation calls for.
   */
  date: CalendarDate;
  source: 'plan' | 'policy' | 'cooperation';
  planDate: CalendarDate;
  /** (established, else drawn up) + followUpMonths, month ends clamped (Aug 31 + 6 → Feb 28/29). */
  policyLatest: CalendarDate;
  policyCountsFrom: 'established' | 'drawn_up';
  /** A changed cooperation no established version has answered: the plan is due for revision. */
  cooperation?: CooperationRevision;
}

export interface Deadlines {
  /** interventionStart + establishWithinDays ("inom 14 dagar", "senast tre veckor"). */
  establishBy: CalendarDate;
  followUp: FollowUpDeadline;
  /** established + signatureOutstandingAfterDays; absent before the plan has an established date. */
  signaturesDueBy?: CalendarDate;
  /** established + signOffReminderAfterDays: when dispatch reminds the roles still outstanding. */
  signOffReminderOn?: CalendarDate;
}

export function computeDeadlines(
  plan: Plan,
  policy: Policy,
  cooperation: readonly CooperationEvent[] = [],
): Deadlines {
  const { interventionStart, drawnUp, established, nextFollowUp } = plan.dates;
  const policyLatest = addMonths(established ?? drawnUp, policy.followUpMonths);
  const planIsEarlier = nextFollowUp <= policyLatest;
  const revision = cooperationRevision(plan, policy, cooperation);
  const byCooperation = revision !== null && revision.dueBy < (planIsEarlier ? nextFollowUp : policyLatest);
  const followUp: FollowUpDeadline = {
    date: byCooperation ? revision.dueBy : planIsEarlier ? nextFollowUp : policyLatest,
    source: byCooperation ? 'cooperation' : planIsEarlier ? 'plan' : 'policy',
    planDate: nextFollowUp,
    policyLatest,
    policyCountsFrom: established ? 'established' : 'drawn_up',
    ...(revision && { cooperation: revision }),
  };
  return {
    establishBy: addDays(interventionStart, policy.establishWithinDays),
    followUp,
    ...(established && {
      signaturesDueBy: addDays(established, policy.signatureOutstandingAfterDays),
      signOffReminderOn: addDays(established, policy.signOffReminderAfterDays),
    }),
  };
}

export const OVERDUE_CODES = [
  'not_established_in_time',
  'follow_up_passed',
  'signatures_outstanding',
  'personal-details-review',
] as const;
export type OverdueCode = (typeof OVERDUE_CODES)[number];

export interface OverdueReason {
  code: OverdueCode;
  /** The deadline: the last day it was on time. */
  dueOn: CalendarDate;
  /** The first day the plan was overdue for this reason (dueOn + 1). */
  overdueSince: CalendarDate;
}

// Signing is refused for a draft, so only these states wait for signatures.
const AWAITING_SIGNATURES: readonly LifecycleState[] = ['established', 'communicated'];

/**
 * Why the plan is overdue today, if it is:
 * - `not_established_in_time`: still a draft after establishBy — a plan with an established
 *   date but missing content counts as not established;
 * - `follow_up_passed`: today is after the follow-up deadline (the plan's, the policy's or a
 *   changed cooperation's, whichever is earliest); a follow-up is a new version with new
 *   dates, which clears it;
 * - `signatures_outstanding`: established, a required role has neither signed nor (where
 *   allowed) given a reason, and signaturesDueBy has passed;
 * - `personal-details-review`: the policy asks for the kontaktman's review of the personal
 *   details, the current occasion has none, and its due date has passed.
 */
export function overdueReasons(
  lifecycle: Pick<Lifecycle, 'state' | 'signatures'>,
  deadlines: Deadlines,
  today: CalendarDate,
  records: { personalDetailsReview?: PersonalDetailsReviewStatus } = {},
): OverdueReason[] {
  const reasons: OverdueReason[] = [];
  const overdue = (code: OverdueCode, dueOn: CalendarDate) => {
    if (today > dueOn) reasons.push({ code, dueOn, overdueSince: addDays(dueOn, 1) });
  };
  if (lifecycle.state === 'draft') overdue('not_established_in_time', deadlines.establishBy);
  overdue('follow_up_passed', deadlines.followUp.date);
  if (
    deadlines.signaturesDueBy &&
    AWAITING_SIGNATURES.includes(lifecycle.state) &&
    !lifecycle.signatures.complete
  ) {
    overdue('signatures_outstanding', deadlines.signaturesDueBy);
  }
  const review = records.personalDetailsReview;
  if (review?.state === 'missing' && review.dueBy) overdue('personal-details-review', review.dueBy);
  return reasons;
}

/**
 * Reasons that appeared or cleared between two evaluations (the daily job's change-feed
 * events: a plan becoming overdue, and no longer being so). A reason whose deadline moved
 * (a new follow-up date that has passed too) counts as new.
 */
export function overdueChanges(
  previous: readonly OverdueReason[],
  current: readonly OverdueReason[],
): { became: OverdueReason[]; cleared: OverdueReason[] } {
  const same = (a: OverdueReason, b: OverdueReason) => a.code === b.code && a.dueOn === b.dueOn;
  return {
    became: current.filter((reason) => !previous.some((p) => same(p, reason))),
    cleared: previous.filter((reason) => !current.some((c) => same(c, reason))),
  };
}
