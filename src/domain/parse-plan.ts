import type { z } from 'zod';
import { consistencyIssues } from './consistency.js';
import { type FieldIssue, jsonPointer } from './field-issue.js';
import { type Plan, planSchema } from './plan.js';
import { pruneEmpty } from './text.js';

export type PlanIssue = { path: PropertyKey[]; message: string };
export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/**
 * Applies the format rules (empty is absent, trimming, line ends) and validates a plan in
 * canonical shape. Adapters call this after mapping a native document; `POST /v1/plans`
 * calls it on the body. Issue paths are canonical paths; messages never echo a value.
 */
export function parseCanonicalPlan(input: unknown): PlanParseResult {
  const pruned = pruneEmpty(input) ?? {};
  const result = planSchema.safeParse(pruned, { error: messageFor });
  const inconsistent = consistencyIssues(pruned);
  if (result.success && inconsistent.length === 0) return { ok: true, plan: result.data };
  const shapeIssues = result.success ? [] : result.error.issues.flatMap(toPlanIssues);
  return { ok: false, issues: [...shapeIssues, ...inconsistent] };
}

export function toFieldIssues(issues: PlanIssue[]): FieldIssue[] {
  return issues.map((issue) => ({ path: jsonPointer(issue.path), message: issue.message }));
}

function toPlanIssues(issue: z.core.$ZodIssue): PlanIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a known field' }));
  }
  return [{ path: [...issue.path], message: issue.message }];
}

function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return 'is required';
  }
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'must be a signature (signed: true with name, date, method) or a refusal (signed: false with reason)';
    case 'too_small':
      return issue.origin === 'array' ? `must have at least ${issue.minimum} item(s)` : undefined;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  return expected === 'object' || expected === 'array' ? `an ${expected}` : `a ${expected}`;
}
