import type { NeedEvaluationStatusView, PlanStatusView, SignatureView } from '../../services/plan-status.js';

type WithoutText<T> = T extends unknown ? Omit<T, 'name' | 'reason'> : never;

export type StatusWithoutPlanText = Omit<
  PlanStatusView,
  'signatures' | 'personalDetailsReview' | 'needEvaluations'
> & {
  signatures: WithoutText<SignatureView>[];
  needEvaluations: Omit<NeedEvaluationStatusView, 'by'>[];
  personalDetailsReview: Omit<PlanStatusView['personalDetailsReview'], 'review'> & {
    review: Omit<NonNullable<PlanStatusView['personalDetailsReview']['review']>, 'by'> | null;
  };
};

/**
 * The status as a client without `plans:read` sees it (a poller holding `status:read`): who
 * signed in which role and when, but not the names of those who signed nor the reasons
 * given for a refusal, which are plan content (the person's own name among them). A role met
 * by guardians says so without naming them; a review and a need evaluation say when, not by whom.
 */
export function statusWithoutPlanText(status: PlanStatusView): StatusWithoutPlanText {
  return {
    ...status,
    needEvaluations: status.needEvaluations.map(({ by: _by, ...rest }) => rest),
    personalDetailsReview: {
      ...status.personalDetailsReview,
      review: status.personalDetailsReview.review && {
        kind: status.personalDetailsReview.review.kind,
        date: status.personalDetailsReview.review.date,
      },
    },
    signing: status.signing && {
      ...status.signing,
      required: status.signing.required.map((role) => ({
        ...role,
        metBy: role.metBy === null ? null : 'by guardian',
        guardians: [],
      })),
    },
    signatures: status.signatures.map((signature) => {
      const {
        name: _name,
        reason: _reason,
        ...rest
      } = signature as SignatureView & {
        name?: string;
        reason?: string;
      };
      return rest as WithoutText<SignatureView>;
    }),
  };
}
