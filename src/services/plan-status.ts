import type { PlanRow } from '../db/schema.js';
import {
  type MissingContentItem,
  missingContent,
  ROUTINE_000_CONTENT,
} from '../domain/lifecycle/content-items.js';
import type { Plan, Signature } from '../domain/plan.js';

/** Lifecycle states derivable from a plan's own dates: draft → established (fastställd) → communicated. */
export const PLAN_STATUSES = ['draft', 'established', 'communicated'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export function derivePlanStatus(plan: Plan): PlanStatus {
  if (plan.dates.communicated) return 'communicated';
  if (plan.dates.established) return 'established';
  return 'draft';
}

export interface PlanStatusView {
  id: string;
  version: number;
  status: string;
  dates: Plan['dates'];
  missingContent: MissingContentItem[];
  signatures: Signature[];
  updatedAt: string;
}

/**
 * Everything `GET /v1/plans/{id}/status` says about a plan, assembled in one place so that
 * later rules (deadlines, submissions, overdue reasons) extend this function only.
 */
export function assemblePlanStatus(row: PlanRow, plan: Plan): PlanStatusView {
  return {
    id: row.id,
    version: row.current_version,
    status: row.status,
    dates: plan.dates,
    missingContent: missingContent(plan, { requiredContent: ROUTINE_000_CONTENT }),
    signatures: plan.signatures,
    updatedAt: row.updated_at.toISOString(),
  };
}
