import { createHash } from 'node:crypto';
import { canonicalJson, canonicalObject } from './canonical-json.js';
import type { Plan } from './plan.js';

export interface PlanHashes {
  /**
   * Hash of what a plan says (formats/README.md 3.9): lists carry no order, so every list is
   * sorted; the source plan id identifies rather than describes, so it is left out. Two pushes
   * with the same hash are the same content and make no new version.
   */
  contentHash: string;
  /**
   * The hash a signature binds to: the content without what signing itself changes. Left out
   * besides the source plan id are the signatures (a push that only adds one must not start a
   * new round and void the others) and `dates.communicated` (records when the plan was handed
   * over, an event about the content rather than content). Everything else — a new goal, a
   * follow-up date, a consent — is content, and changing it starts a new signing round.
   */
  signedContentHash: string;
}

/** Both hashes of a plan; the canonical forms they share are made once. */
export function planHashes(plan: Plan): PlanHashes {
  const shared = sharedMembers(plan);
  return { contentHash: contentHashOf(plan, shared), signedContentHash: signedContentHashOf(plan, shared) };
}

/** PlanHashes.signedContentHash alone. */
export function signedContentHash(plan: Plan): string {
  return signedContentHashOf(plan, sharedMembers(plan));
}

type Members = Record<string, string>;

/** The canonical JSON of every member both hashes take alike: all but signatures and dates. */
function sharedMembers(plan: Plan): Members {
  const { signatures: _signatures, dates: _dates, plan: header, ...rest } = plan;
  const { sourcePlanId: _sourcePlanId, ...described } = header;
  const members: Members = { plan: canonicalJson(described) };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) members[key] = canonicalJson(value);
  }
  return members;
}

function contentHashOf(plan: Plan, shared: Members): string {
  const members = { ...shared, dates: canonicalJson(plan.dates), signatures: canonicalJson(plan.signatures) };
  return sha256(canonicalObject(members));
}

function signedContentHashOf(plan: Plan, shared: Members): string {
  const { communicated: _communicated, ...dates } = plan.dates;
  return `sha256:${sha256(canonicalObject({ ...shared, dates: canonicalJson(dates) }))}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
