/**
 * Signing rounds. Every signature binds to the signed-content hash of the version it was
 * given for (plan-hashes.ts); a version with other content starts a new round, and
 * earlier versions keep their signatures.
 *
 * Signatures arrive two ways and count alike: recorded through `POST /v1/plans/{id}/signatures`,
 * and carried in a pushed document. A document signature belongs to the version in which it
 * first appears: the service records it on push (`documentSignaturesToRecord`), bound to
 * that version's hash. When the source system carries the same signature over into a version
 * with changed content, it is already recorded under the earlier hash and does not count
 * again — the changed content has not been signed.
 */
import type { SignatureRole } from '../codes.js';
import type { Plan, Signature } from '../plan.js';
import type { Policy } from '../policy/policy.js';
import { type MissingContentItem, missingContent } from './content-items.js';
import { SigningDraftRefused, StaleVersion } from './errors.js';

export type SignedSignature = Extract<Signature, { signed: true }>;
export type Refusal = Extract<Signature, { signed: false }>;

/** A signature or refusal as stored, bound to the content it was given for. */
export type RecordedSignature = Signature & {
  signedContentHash: string;
  source: 'api' | 'document';
};

export interface RoleStatus {
  role: SignatureRole;
  /**
   * What satisfies the role for this round, or null while it is outstanding; `guardian`: the
   * person's role, met by a ställföreträdare's signature where the policy lets it count.
   */
  satisfiedBy: 'signature' | 'guardian' | 'refusal' | null;
  signatures: SignedSignature[];
  refusals: Refusal[];
  /** The guardians' signatures that meet the person's role (`satisfiedBy: 'guardian'`), else empty. */
  byGuardians: SignedSignature[];
}

export interface SignatureRound {
  signedContentHash: string;
  /** Every signature and refusal of the round, required or not. */
  signatures: Signature[];
  required: RoleStatus[];
  outstanding: SignatureRole[];
  complete: boolean;
  /**
   * Signatures by roles the policy does not require: accepted and shown, never counted. A
   * guardian whose signature counts for the person is required, through the person's role.
   */
  notRequired: Signature[];
}

/** Roles that must sign: the policy's, plus the kontaktman where the source system asks for it. */
export function requiredSignatureRoles(policy: Policy, sourceSystem: string): SignatureRole[] {
  const roles = new Set(policy.requiredSignatureRoles);
  if (policy.contactPersonSignsInSystems.includes(sourceSystem)) roles.add('contact_person');
  return [...roles];
}

/** Identity of a signature for idempotency: same signer, date and method (or same refusal). */
export function signatureKey(signature: Signature): string {
  return signature.signed
    ? JSON.stringify([signature.role, true, signature.name, signature.date, signature.method])
    : JSON.stringify([signature.role, false, signature.reason]);
}

/** The document's signatures not yet recorded under any hash, to record for this version. */
export function documentSignaturesToRecord(
  plan: Plan,
  signedContentHash: string,
  recorded: readonly RecordedSignature[],
): RecordedSignature[] {
  const known = new Set(recorded.map(signatureKey));
  return uniqueByKey(plan.signatures)
    .filter((signature) => !known.has(signatureKey(signature)))
    .map((signature) => ({ ...signature, signedContentHash, source: 'document' as const }));
}

/**
 * The signing round of the current version: recorded signatures bound to its hash, plus
 * document signatures not recorded under another hash (so the answer is the same before and
 * after the service has recorded them). A refusal satisfies only the person's role, and only
 * where the policy lets the person give a reason instead ("om den enskilde inte skrivit under
 * ska anledning till detta framgå"); a signature always wins over a refusal. Where the policy
 * lets a guardian sign for the person (ställföreträdare: god man, förvaltare, vårdnadshavare),
 * a guardian's signature meets the person's role too, second to the person's own and ahead of
 * a refusal; every guardian who signed is named (a child's two vårdnadshavare).
 */
export function signatureRound(input: {
  plan: Plan;
  signedContentHash: string;
  sourceSystem: string;
  policy: Policy;
  recorded: readonly RecordedSignature[];
}): SignatureRound {
  const { plan, signedContentHash, policy } = input;
  const elsewhere = new Set(
    input.recorded.filter((s) => s.signedContentHash !== signedContentHash).map(signatureKey),
  );
  const current = uniqueByKey([
    ...input.recorded.filter((s) => s.signedContentHash === signedContentHash).map(stripBinding),
    ...plan.signatures.filter((s) => !elsewhere.has(signatureKey(s))),
  ]);
  const roles = requiredSignatureRoles(policy, input.sourceSystem);
  const signedBy = (role: SignatureRole) =>
    current.filter((s): s is SignedSignature => s.role === role && s.signed);
  const guardiansCount = policy.guardianSignsForPerson && roles.includes('person');
  const required = roles.map((role): RoleStatus => {
    const signatures = signedBy(role);
    const refusals = current.filter((s): s is Refusal => s.role === role && !s.signed);
    const byGuardians =
      role === 'person' && guardiansCount && signatures.length === 0 ? signedBy('guardian') : [];
    const refusalCounts = role === 'person' && policy.personMaySignOrGiveReason && refusals.length > 0;
    const satisfiedBy =
      signatures.length > 0
        ? 'signature'
        : byGuardians.length > 0
          ? 'guardian'
          : refusalCounts
            ? 'refusal'
            : null;
    return { role, satisfiedBy, signatures, refusals, byGuardians };
  });
  const outstanding = required.filter((status) => status.satisfiedBy === null).map((status) => status.role);
  const counted = (role: SignatureRole) => roles.includes(role) || (role === 'guardian' && guardiansCount);
  return {
    signedContentHash,
    signatures: current,
    required,
    outstanding,
    complete: outstanding.length === 0,
    notRequired: current.filter((s) => !counted(s.role)),
  };
}

/** How a role's requirement is met, for people: "by guardian Anna Holm and guardian Per Holm". */
export function metByText(status: Pick<RoleStatus, 'satisfiedBy' | 'byGuardians'>): string | null {
  if (status.satisfiedBy !== 'guardian') return null;
  return `by ${status.byGuardians.map((s) => `guardian ${s.name}`).join(' and ')}`;
}

export type RecordSignatureResult =
  | { ok: true; outcome: 'recorded' | 'duplicate'; signature: RecordedSignature }
  | { ok: false; error: SigningDraftRefused | StaleVersion };

/**
 * Checks a signature (or refusal) given through the API against the current version.
 * Refused for a draft (no established date, or content missing) and, when the signer names
 * the version they saw, for a version that is no longer current. Any role is accepted, also
 * one the policy does not require (it is shown but does not count). The same signature for
 * the same content again is a duplicate: the stored one is returned and nothing is added.
 */
export function recordSignature(input: {
  signature: Signature;
  requestedVersion?: number;
  current: { version: number; plan: Plan; signedContentHash: string };
  policy: Policy;
  recorded: readonly RecordedSignature[];
}): RecordSignatureResult {
  const { current, policy } = input;
  if (input.requestedVersion !== undefined && input.requestedVersion !== current.version) {
    return { ok: false, error: new StaleVersion(input.requestedVersion, current.version) };
  }
  const blocking = draftBlockers(current.plan, policy);
  if (blocking) return { ok: false, error: new SigningDraftRefused(blocking) };
  const key = signatureKey(input.signature);
  const existing = input.recorded.find(
    (s) => s.signedContentHash === current.signedContentHash && signatureKey(s) === key,
  );
  if (existing) return { ok: true, outcome: 'duplicate', signature: existing };
  return {
    ok: true,
    outcome: 'recorded',
    signature: { ...input.signature, signedContentHash: current.signedContentHash, source: 'api' },
  };
}

/** Why the plan is still a draft (missing items, the established date among them), or undefined. */
export function draftBlockers(plan: Plan, policy: Policy): MissingContentItem[] | undefined {
  const missing = missingContent(plan, policy);
  if (!plan.dates.established && !missing.some((item) => item.key === 'established_date')) {
    missing.push({
      key: 'established_date',
      wording: 'när genomförandeplanen har fastställts',
      paths: ['/dates/established'],
    });
  }
  return missing.length > 0 ? missing : undefined;
}

function stripBinding(recorded: RecordedSignature): Signature {
  const { signedContentHash: _hash, source: _source, ...signature } = recorded;
  return signature as Signature;
}

function uniqueByKey(signatures: readonly Signature[]): Signature[] {
  const seen = new Map<string, Signature>();
  for (const signature of signatures)
    if (!seen.has(signatureKey(signature))) seen.set(signatureKey(signature), signature);
  return [...seen.values()];
}
