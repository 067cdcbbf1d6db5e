import type { SubmissionRow } from '../../db/lifecycle-schema.js';
import { conflict } from '../../services/errors.js';

/** What a submit asks for: `submit` one delivery per destination, or a deliberate `resend`. */
export type SubmitMode = 'submit' | 'resend';

/** Where a version's submissions go: submission destinations by id, `null` for the pull inbox. */
export type SubmissionTarget = string | null;

export interface SubmissionPlan {
  /** Submissions of the version that already stand for their target and are kept as they are. */
  existing: SubmissionRow[];
  /** Targets that get a new submission (and delivery, with a new webhook id). */
  create: SubmissionTarget[];
}

/** A submission that counts as the version's delivery to its target: not failed. */
const LIVE = new Set<SubmissionRow['status']>(['queued', 'delivered', 'acknowledged']);

/**
 * One delivery per submission of a version (avgivande): a target that already has a live
 * submission of this content keeps it, and nothing is queued for it again. A resend makes a
 * new submission for every target, refused while the previous one is still queued (it has not
 * arrived, so sending it twice would race). A failed submission does not count: submitting
 * again is how a sender tries once more.
 */
export function planSubmissions(
  targets: readonly SubmissionTarget[],
  submissions: readonly SubmissionRow[],
  version: { version: number; contentHash: string },
  mode: SubmitMode,
): SubmissionPlan {
  const ofVersion = submissions.filter(
    (s) => s.version === version.version && s.content_hash === version.contentHash && LIVE.has(s.status),
  );
  const liveFor = (target: SubmissionTarget) => ofVersion.filter((s) => s.destination_id === target);
  if (mode === 'resend') {
    if (targets.some((target) => liveFor(target).some((s) => s.status === 'queued'))) {
      throw conflict(
        'The previous submission of this version is still queued; resend it once it is delivered',
      );
    }
    return { existing: [], create: [...targets] };
  }
  const existing = targets.flatMap((target) => liveFor(target).slice(-1));
  const create = targets.filter((target) => liveFor(target).length === 0);
  return { existing, create };
}
