/**
 * Domain errors of the lifecycle rules. The HTTP layer maps each to problem+json:
 * `status`, `title`, `detail`, a stable `code` (for the problem `type`), and `issues` with
 * canonical field paths. No message carries a value from the plan.
 */
import type { SignatureRole } from '../codes.js';
import type { FieldIssue } from '../field-issue.js';
import type { MissingContentItem } from './content-items.js';

export abstract class LifecycleError extends Error {
  abstract readonly code: string;
  abstract readonly status: 409 | 422;
  abstract readonly title: string;
  constructor(
    detail: string,
    readonly issues: FieldIssue[],
  ) {
    super(detail);
  }
}

function missingIssues(missing: MissingContentItem[]): FieldIssue[] {
  return missing.flatMap((item) =>
    item.paths.map((path) => ({ path, message: `is required: ${item.wording}` })),
  );
}

/**
 * 422: the plan lacks content its policy requires, so it cannot be submitted (or become
 * established). The request is understood; the plan's content is what cannot be processed.
 */
export class PlanIncomplete extends LifecycleError {
  readonly code = 'plan_incomplete';
  readonly status = 422;
  readonly title = 'The plan lacks required content';
  constructor(readonly missing: MissingContentItem[]) {
    super(`missing: ${missing.map((item) => item.key).join(', ')}`, missingIssues(missing));
  }
}

/**
 * 409: a signature for a plan that is not established. The signature itself is valid; it
 * conflicts with the plan's current state (RFC 9110 15.5.10), and becomes acceptable once a
 * complete plan with an established date is pushed — so not 422.
 */
export class SigningDraftRefused extends LifecycleError {
  readonly code = 'signing_draft_refused';
  readonly status = 409;
  readonly title = 'A draft cannot be signed';
  constructor(readonly missing: MissingContentItem[]) {
    super(
      'the plan is a draft: it has no established date or lacks required content',
      missingIssues(missing),
    );
  }
}

/** 409: the signer saw another version than the current one; signatures bind to content. */
export class StaleVersion extends LifecycleError {
  readonly code = 'stale_version';
  readonly status = 409;
  readonly title = 'The plan has a newer version';
  constructor(
    readonly requestedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`version ${requestedVersion} is not the current version ${currentVersion}`, [
      { path: '/version', message: `must be the current version ${currentVersion}` },
    ]);
  }
}

export type SubmissionBlocker = 'not_established' | 'not_communicated' | 'signatures_outstanding';

/** 409: the plan is complete but not yet in a state to be submitted (avges). */
export class SubmissionRefused extends LifecycleError {
  readonly code = 'submission_refused';
  readonly status = 409;
  readonly title = 'The plan cannot be submitted yet';
  constructor(
    readonly blocker: SubmissionBlocker,
    readonly outstandingRoles: SignatureRole[] = [],
  ) {
    super(
      blocker === 'signatures_outstanding'
        ? `signatures outstanding: ${outstandingRoles.join(', ')}`
        : blocker.replace('_', ' '),
      blocker === 'not_established'
        ? [{ path: '/dates/established', message: 'is required before submission' }]
        : blocker === 'not_communicated'
          ? [{ path: '/dates/communicated', message: 'is required before submission' }]
          : outstandingRoles.map((role) => ({
              path: '/signatures',
              message: `needs a signature by ${role}`,
            })),
    );
  }
}
