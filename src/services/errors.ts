import type { PruneReason } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { FieldIssue } from '../domain/field-issue.js';

/**
 * Errors a use case can end in. The HTTP error handler maps each to its problem+json
 * status; anything else is a 500 whose details stay in the log.
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 422,
    readonly title: string,
    detail: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(detail);
  }
}

export const notFound = (what: string) => new DomainError(404, 'Not Found', `${what} was not found`);

export const invalidPlan = (issues: FieldIssue[]) =>
  new DomainError(422, 'Invalid plan', 'The plan is not a valid canonical plan', issues);

export const invalidRequest = (issues: FieldIssue[], detail = 'The request is not valid') =>
  new DomainError(422, 'Unprocessable Content', detail, issues);

export const badRequest = (detail: string, issues: FieldIssue[] = []) =>
  new DomainError(400, 'Bad Request', detail, issues);

export const preconditionFailed = (detail: string) => new DomainError(412, 'Precondition Failed', detail);

export const conflict = (detail: string) => new DomainError(409, 'Conflict', detail);

export const unauthorized = (detail: string) => new DomainError(401, 'Unauthorized', detail);

export const forbidden = (detail: string) => new DomainError(403, 'Forbidden', detail);

const PRUNE_REASONS: Record<PruneReason, string> = {
  retention: "its retention period under the organisation's policy ended",
  erasure: 'the controller ordered its erasure',
};

/** Content that was held once and pruned since: 410, naming the date (Stockholm) and why. */
export class ContentPruned extends DomainError {
  readonly code = 'content-pruned';

  constructor(what: string, prunedAt: Date, reason: PruneReason) {
    super(410, 'Gone', `${what} was pruned on ${stockholmDate(prunedAt)}: ${PRUNE_REASONS[reason]}`);
  }
}
