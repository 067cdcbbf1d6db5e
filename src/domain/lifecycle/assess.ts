import type { CalendarDate } from '../calendar-date.js';
import { computeDeadlines, type Deadlines, type OverdueReason, overdueReasons } from './deadlines.js';
import { deriveLifecycle, type Lifecycle, type LifecycleInput } from './lifecycle.js';
import { type PersonalDetailsReviewStatus, personalDetailsReviewStatus } from './reviews.js';

/** Everything `GET /v1/plans/{id}/status` and the daily overdue job need about one plan. */
export interface PlanAssessment {
  lifecycle: Lifecycle;
  deadlines: Deadlines;
  /** Routine 000: the kontaktman's review of the personal details for the current occasion. */
  personalDetailsReview: PersonalDetailsReviewStatus;
  overdue: OverdueReason[];
}

/** Lifecycle, deadlines and overdue reasons of the current version on `today` (a Stockholm date). */
export function assessPlan(input: LifecycleInput, today: CalendarDate): PlanAssessment {
  const lifecycle = deriveLifecycle(input);
  const deadlines = computeDeadlines(input.plan, input.policy, input.cooperation);
  const personalDetailsReview = personalDetailsReviewStatus(input.plan, input.policy, input.reviews);
  return {
    lifecycle,
    deadlines,
    personalDetailsReview,
    overdue: overdueReasons(lifecycle, deadlines, today, { personalDetailsReview }),
  };
}
