import type { CalendarDate } from '../calendar-date.js';
import { computeDeadlines, type Deadlines, type OverdueReason, overdueReasons } from './deadlines.js';
import { deriveLifecycle, type Lifecycle, type LifecycleInput } from './lifecycle.js';

/** Everything `GET /v1/plans/{id}/status` and the daily overdue job need about one plan. */
export interface PlanAssessment {
  lifecycle: Lifecycle;
  deadlines: Deadlines;
  overdue: OverdueReason[];
}

/** Lifecycle, deadlines and overdue reasons of the current version on `today` (a Stockholm date). */
export function assessPlan(input: LifecycleInput, today: CalendarDate): PlanAssessment {
  const lifecycle = deriveLifecycle(input);
  const deadlines = computeDeadlines(input.plan, input.policy);
  return { lifecycle, deadlines, overdue: overdueReasons(lifecycle, deadlines, today) };
}
