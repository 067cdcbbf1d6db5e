import {
  listPlanChanges,
  type SequencedPlanChange,
  sequencePlanChanges,
} from '../db/repositories/plan-changes.repository.js';
import type { Caller, ServiceContext } from './context.js';

export interface ChangePage {
  items: SequencedPlanChange[];
  /** Where to resume: the last row's seq, or the cursor given when there was nothing new. */
  cursor: string;
}

/** The caller's organisation's change feed after `after` (a seq; "0" from the beginning). */
export async function readChanges(
  ctx: ServiceContext,
  caller: Caller,
  after: string,
  limit: number,
): Promise<ChangePage> {
  await sequencePlanChanges(ctx.db, caller.organisation);
  const items = await listPlanChanges(ctx.db, caller.organisation, after, limit);
  return { items, cursor: items.at(-1)?.seq ?? after };
}
