import { listPlanChanges } from '../db/repositories/plan-changes.repository.js';
import type { PlanChangeRow } from '../db/schema.js';
import { decodeChangeCursor, encodeChangeCursor } from './change-cursor.js';
import type { Caller, ServiceContext } from './context.js';

export interface ChangePage {
  items: PlanChangeRow[];
  /** Where to resume: after the last row, or the cursor given when there was nothing new. */
  cursor: string;
}

/** The caller's organisation's change feed after the cursor `after` ("0" from the beginning). */
export async function readChanges(
  ctx: ServiceContext,
  caller: Caller,
  after: string,
  limit: number,
): Promise<ChangePage> {
  const items = await listPlanChanges(ctx.db, caller.organisation, decodeChangeCursor(after), limit);
  const last = items.at(-1);
  return { items, cursor: last ? encodeChangeCursor({ txId: last.tx_id, seq: last.seq }) : after };
}
