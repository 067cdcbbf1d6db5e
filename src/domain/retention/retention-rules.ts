/**
 * When a version's content may go (GDPR art. 5(1)(e), storage limitation). The hub's copies
 * are transit copies: the record lives in the documentation system. A version's content is
 * pruned `retentionDays` after it stopped being needed, which is the earlier of
 * - superseded: a newer version exists and every delivery of this one has finished, and
 * - ended: the plan ended (and no version reopened it).
 * Never pruned, whatever the dates: the latest version of a plan that has not ended, a version
 * with a delivery queued or retrying, failed, or waiting unacknowledged in the inbox, and
 * anything under a legal hold. Pure: the facts come from retention.repository.ts.
 */
import { addDays, type CalendarDate } from '../calendar-date.js';

/** Why a version's content is kept, in the order the rules are tried. */
export const KEEP_REASONS = [
  'legal_hold',
  'delivery_queued',
  'delivery_failed',
  'inbox_unacknowledged',
  'latest_version',
  'within_retention',
] as const;
export type KeepReason = (typeof KEEP_REASONS)[number];

/** Everything the rules need about one version whose content is still held. */
export interface VersionFacts {
  /** The plan's latest version. */
  latest: boolean;
  /** The Stockholm date the plan ended; null when it has not (or a version reopened it). */
  planEndedOn: CalendarDate | null;
  /** The Stockholm date the next version was stored; null for the latest. */
  supersededOn: CalendarDate | null;
  /** The Stockholm date the last delivery of this version finished; null when it had none. */
  lastDeliveryFinishedOn: CalendarDate | null;
  /** A delivery of this version is queued or retrying (a submission or a need evaluation included). */
  deliveryQueued: boolean;
  /** A delivery of this version failed and waits for an admin. */
  deliveryFailed: boolean;
  /** A submission or a need evaluation of this version waits in the pull inbox, not yet acknowledged. */
  inboxUnacknowledged: boolean;
  onLegalHold: boolean;
  retentionDays: number;
}

export type RetentionDecision =
  | { prune: true; neededUntil: CalendarDate }
  | { prune: false; keep: KeepReason };

export function retentionDecision(facts: VersionFacts, today: CalendarDate): RetentionDecision {
  if (facts.onLegalHold) return { prune: false, keep: 'legal_hold' };
  if (facts.deliveryQueued) return { prune: false, keep: 'delivery_queued' };
  if (facts.deliveryFailed) return { prune: false, keep: 'delivery_failed' };
  if (facts.inboxUnacknowledged) return { prune: false, keep: 'inbox_unacknowledged' };
  const neededUntil = earliest(supersededAndDelivered(facts), facts.planEndedOn);
  if (neededUntil === null) return { prune: false, keep: 'latest_version' };
  if (addDays(neededUntil, facts.retentionDays) > today) return { prune: false, keep: 'within_retention' };
  return { prune: true, neededUntil };
}

/** The day a superseded version stopped being needed: superseded, and its last delivery done. */
function supersededAndDelivered(facts: VersionFacts): CalendarDate | null {
  if (facts.latest || facts.supersededOn === null) return null;
  const delivered = facts.lastDeliveryFinishedOn;
  return delivered !== null && delivered > facts.supersededOn ? delivered : facts.supersededOn;
}

function earliest(a: CalendarDate | null, b: CalendarDate | null): CalendarDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}
