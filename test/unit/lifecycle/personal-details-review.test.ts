import { describe, expect, it } from 'vitest';
import { assessPlan } from '../../../src/domain/lifecycle/assess.js';
import {
  personalDetailsReviewStatus,
  type Review,
  reviewSchema,
} from '../../../src/domain/lifecycle/reviews.js';
import type { Plan } from '../../../src/domain/plan.js';
import type { Policy } from '../../../src/domain/policy/policy.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { homeCarePlan, lssPlan } from './fixtures.js';

const omsorg = presetPolicy('omsorg');
const review = (date: string): Review => ({
  kind: 'personal-details',
  date,
  by: { name: 'Maria Johansson', title: 'Undersköterska' },
});
const assess = (plan: Plan, reviews: Review[], today: string, policy: Policy = omsorg) =>
  assessPlan(
    {
      plan,
      contentHash: 'content-v1',
      sourceSystem: 'lifecare',
      policy,
      signatures: [],
      submissions: [],
      receipts: [],
      reviews,
      cooperation: [],
    },
    today,
  );
const codes = (plan: Plan, reviews: Review[], today: string, policy?: Policy) =>
  assess(plan, reviews, today, policy).overdue.map((r) => r.code);

// The fixture is drawn up 2025-03-12 and established 2025-03-14.
describe('routine 000: at establishment or follow-up the kontaktman checks "Uppgifter och övrig information" (i samband med upprättande eller uppföljning … se över så att information … stämmer)', () => {
  it('is missing until the kontaktman has recorded the review, due 14 days after establishment', () => {
    expect(personalDetailsReviewStatus(homeCarePlan(), omsorg, [])).toEqual({
      state: 'missing',
      occasionFrom: '2025-03-12',
      dueBy: '2025-03-28',
      review: null,
    });
  });

  it('is done with a review on or after the drawn-up date of the current version', () => {
    const status = personalDetailsReviewStatus(homeCarePlan(), omsorg, [review('2025-03-12')]);
    expect(status).toMatchObject({ state: 'done', review: review('2025-03-12') });
  });

  it('shows the latest review of the occasion', () => {
    const reviews = [review('2025-03-20'), review('2025-03-13')];
    expect(personalDetailsReviewStatus(homeCarePlan(), omsorg, reviews).review?.date).toBe('2025-03-20');
  });

  it('needs a new review at the follow-up: one from an earlier occasion does not count', () => {
    const followUp = homeCarePlan((p) => {
      p.dates.drawnUp = '2025-09-10';
      p.dates.established = '2025-09-12';
    });
    expect(personalDetailsReviewStatus(followUp, omsorg, [review('2025-03-13')]).state).toBe('missing');
    expect(personalDetailsReviewStatus(followUp, omsorg, [review('2025-09-11')]).state).toBe('done');
  });

  it('is overdue (personal-details-review) from the day after it was due, and not once recorded', () => {
    expect(codes(homeCarePlan(), [], '2025-03-28')).toEqual([]);
    expect(assess(homeCarePlan(), [], '2025-03-29').overdue).toContainEqual({
      code: 'personal-details-review',
      dueOn: '2025-03-28',
      overdueSince: '2025-03-29',
    });
    expect(codes(homeCarePlan(), [review('2025-04-02')], '2025-04-03')).not.toContain(
      'personal-details-review',
    );
  });

  it('is not yet due for a plan that is not established', () => {
    const draft = homeCarePlan((p) => (p.dates.established = undefined));
    expect(personalDetailsReviewStatus(draft, omsorg, [])).toMatchObject({ state: 'missing', dueBy: null });
    expect(codes(draft, [], '2025-03-20')).not.toContain('personal-details-review');
  });

  it('takes its number of days from the policy', () => {
    const policy = { ...omsorg, personalDetailsReviewWithinDays: 3 };
    expect(codes(homeCarePlan(), [], '2025-03-17', policy)).toEqual([]);
    expect(codes(homeCarePlan(), [], '2025-03-18', policy)).toEqual(['personal-details-review']);
  });

  it('is not asked for by the lss preset (routine 003 has no such tab), nor where the policy turns it off', () => {
    const lss = presetPolicy('lss');
    expect(lss.personalDetailsReview).toBe(false);
    expect(personalDetailsReviewStatus(lssPlan(), lss, []).state).toBe('not_required');
    const off = { ...omsorg, personalDetailsReview: false };
    expect(codes(homeCarePlan(), [], '2025-04-30', off)).not.toContain('personal-details-review');
  });

  it('accepts a review with its kind, date and reviewer, and names each bad field', () => {
    expect(reviewSchema.safeParse(review('2025-03-13')).success).toBe(true);
    const bad = reviewSchema.safeParse({ kind: 'other', date: '2025-02-30', by: { name: ' ' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('/')).sort()).toEqual([
      'by/name',
      'by/title',
      'date',
      'kind',
    ]);
  });
});
