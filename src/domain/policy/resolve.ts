import type { Law } from '../codes.js';
import type { FieldIssue } from '../field-issue.js';
import { jsonPointer } from '../field-issue.js';
import {
  type Policy,
  type PolicyOverrides,
  type PresetName,
  policyOverridesSchema,
  policySchema,
} from './policy.js';
import { presetPolicy } from './presets.js';

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; issues: FieldIssue[] };

/** Where the policy that applies to a plan came from, for the status view. */
export type PolicySource = 'unit' | 'organisation' | 'default';

export interface ResolvedPolicy {
  policy: Policy;
  source: PolicySource;
}

/**
 * The policy that applies to a plan: the unit's when it has one, else the organisation's,
 * else the preset that matches the plan's law (SoL → `omsorg`, LSS → `lss`). A unit policy
 * replaces the organisation's whole, not field by field: it is set from a preset of its own,
 * so a later change to the organisation's policy never silently changes a unit that chose
 * different rules.
 */
export function resolvePolicy(stored: { organisation?: Policy; unit?: Policy; law: Law }): ResolvedPolicy {
  if (stored.unit) return { policy: stored.unit, source: 'unit' };
  if (stored.organisation) return { policy: stored.organisation, source: 'organisation' };
  return { policy: presetPolicy(stored.law === 'LSS' ? 'lss' : 'omsorg'), source: 'default' };
}

/** A preset with overrides applied, validated as a whole (admin API and CLI). */
export function buildPolicy(preset: PresetName, overrides: unknown = {}): PolicyResult {
  const parsedOverrides = policyOverridesSchema.safeParse(overrides);
  if (!parsedOverrides.success) return { ok: false, issues: toIssues(parsedOverrides.error.issues) };
  const merged = { ...presetPolicy(preset), ...definedOnly(parsedOverrides.data) };
  const parsed = policySchema.safeParse(merged);
  return parsed.success
    ? { ok: true, policy: parsed.data }
    : { ok: false, issues: toIssues(parsed.error.issues) };
}

type OverrideField = keyof PolicyOverrides;
type FlagKind = 'integer' | 'boolean' | 'list';

/** The `policies set` flags, named after the policy fields in kebab case. */
export const POLICY_FLAGS: Readonly<Record<string, { field: OverrideField; kind: FlagKind }>> = {
  'establish-within-days': { field: 'establishWithinDays', kind: 'integer' },
  'follow-up-months': { field: 'followUpMonths', kind: 'integer' },
  'required-content': { field: 'requiredContent', kind: 'list' },
  'required-signature-roles': { field: 'requiredSignatureRoles', kind: 'list' },
  'contact-person-signs-in-systems': { field: 'contactPersonSignsInSystems', kind: 'list' },
  'person-may-sign-or-give-reason': { field: 'personMaySignOrGiveReason', kind: 'boolean' },
  'guardian-signs-for-person': { field: 'guardianSignsForPerson', kind: 'boolean' },
  'signature-outstanding-after-days': { field: 'signatureOutstandingAfterDays', kind: 'integer' },
  'sign-off-reminder-after-days': { field: 'signOffReminderAfterDays', kind: 'integer' },
  'planner-notification-for-home-care': { field: 'plannerNotificationForHomeCare', kind: 'boolean' },
  'submit-when-complete-and-signed': { field: 'submitWhenCompleteAndSigned', kind: 'boolean' },
  'personal-details-review': { field: 'personalDetailsReview', kind: 'boolean' },
  'personal-details-review-within-days': { field: 'personalDetailsReviewWithinDays', kind: 'integer' },
  'cooperation-revision-within-days': { field: 'cooperationRevisionWithinDays', kind: 'integer' },
  'monthly-compilation': { field: 'monthlyCompilation', kind: 'boolean' },
  'content-retention-days': { field: 'contentRetentionDays', kind: 'integer' },
};

/**
 * CLI flag values (strings) → a policy: `--establish-within-days 10`, `--required-content
 * goals,established_date` (comma-separated, empty for none), `--monthly-compilation true`.
 * Issues name the flag (`--follow-up-months`), never echo its value.
 */
export function policyFromFlags(
  preset: PresetName,
  flags: Readonly<Record<string, string | undefined>>,
): PolicyResult {
  const overrides: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [flag, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const spec = POLICY_FLAGS[flag];
    if (!spec) {
      issues.push({ path: `--${flag}`, message: 'is not a policy option' });
      continue;
    }
    const converted = convertFlag(spec.kind, value.trim());
    if (converted === undefined) issues.push({ path: `--${flag}`, message: FLAG_KIND_MESSAGE[spec.kind] });
    else overrides[spec.field] = converted;
  }
  if (issues.length > 0) return { ok: false, issues };
  const result = buildPolicy(preset, overrides);
  if (result.ok) return result;
  return { ok: false, issues: result.issues.map((issue) => ({ ...issue, path: flagForPath(issue.path) })) };
}

const FLAG_KIND_MESSAGE: Record<FlagKind, string> = {
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  list: 'must be a comma-separated list',
};

function convertFlag(kind: FlagKind, value: string): unknown {
  switch (kind) {
    case 'integer':
      return /^\d+$/.test(value) ? Number(value) : undefined;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'list':
      return value === '' ? [] : value.split(',').map((item) => item.trim());
  }
}

function flagForPath(path: string): string {
  const field = path.split('/')[1];
  const flag = Object.entries(POLICY_FLAGS).find(([, spec]) => spec.field === field)?.[0];
  return flag ? `--${flag}` : path;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toIssues(issues: { path: PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.flatMap((issue) =>
    'keys' in issue && Array.isArray(issue.keys)
      ? issue.keys.map((key: string) => ({
          path: jsonPointer([...issue.path, key]),
          message: 'is not a policy field',
        }))
      : [{ path: jsonPointer(issue.path), message: issue.message }],
  );
}
