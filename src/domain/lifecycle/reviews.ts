/**
 * Routine 000: "I samband med upprättande eller uppföljning av genomförandeplan ska
 * kontaktmannen se över så att information under fliken ”Uppgifter och övrig information”
 * stämmer". The kontaktman's check of the personal details is recorded with its date; the
 * plan's current occasion (the establishment or follow-up its current version was drawn up
 * for) needs one, where the policy asks for it.
 */
import { z } from 'zod';
import { addDays, type CalendarDate } from '../calendar-date.js';
import { calendarDate, type Plan, singleLine } from '../plan.js';
import type { Policy } from '../policy/policy.js';

export const REVIEW_KINDS = ['personal-details'] as const; // Uppgifter och övrig information
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** Input of a review, as the API accepts it. */
export const reviewSchema = z.strictObject({
  kind: z.enum(REVIEW_KINDS),
  date: calendarDate,
  by: z.strictObject({ name: singleLine, title: singleLine }),
});
export type Review = z.output<typeof reviewSchema>;

export interface PersonalDetailsReviewStatus {
  /** `not_required` where the policy does not ask for the review. */
  state: 'not_required' | 'missing' | 'done';
  /** The occasion counts from the current version's drawn-up date: a review on or after it counts. */
  occasionFrom: CalendarDate | null;
  /** established + personalDetailsReviewWithinDays; null before the plan is established or when not required. */
  dueBy: CalendarDate | null;
  /** The latest review of the occasion, when there is one. */
  review: Review | null;
}

/**
 * Whether the current occasion has its review. A follow-up is a new version drawn up anew, so
 * a review from before its drawn-up date belongs to an earlier occasion and does not count.
 * The review is due the policy's number of days after the version's established date.
 */
export function personalDetailsReviewStatus(
  plan: Plan,
  policy: Policy,
  reviews: readonly Review[],
): PersonalDetailsReviewStatus {
  if (!policy.personalDetailsReview) {
    return { state: 'not_required', occasionFrom: null, dueBy: null, review: null };
  }
  const occasionFrom = plan.dates.drawnUp;
  const review =
    reviews
      .filter((r) => r.kind === 'personal-details' && r.date >= occasionFrom)
      .reduce<Review | null>((latest, r) => (latest === null || r.date >= latest.date ? r : latest), null) ??
    null;
  const established = plan.dates.established;
  return {
    state: review ? 'done' : 'missing',
    occasionFrom,
    dueBy: established ? addDays(established, policy.personalDetailsReviewWithinDays) : null,
    review,
  };
}
